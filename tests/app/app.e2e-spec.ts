import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ERROR_CODES } from '../../src/contracts/error-codes';
import { startTestApp, type TestApp } from '../support/test-app';

describe('the application', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers the health check', async () => {
    const response = await fetch(`${t.baseUrl}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('publishes an OpenAPI document where every operation declares its access policy', async () => {
    const response = await fetch(`${t.baseUrl}/api/docs-json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { 'x-access': unknown; responses: object }>> };
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/scenarios', '/api/scenarios/{scenarioId}']));
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect({ route: `${method} ${path}`, access: operation['x-access'] }).toEqual({
          route: `${method} ${path}`,
          access: expect.objectContaining({ kind: expect.any(String) }),
        });
      }
    }
    const upload = doc.paths['/api/scenarios']!['post'] as unknown as { requestBody: { content: Record<string, unknown> } };
    expect(upload.requestBody.content['application/json']).toBeDefined();
  });

  it('serves the API documentation UI from bundled assets with a strict CSP', async () => {
    const page = await fetch(`${t.baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(await page.text()).toContain('/api/docs/assets/swagger-ui-bundle.js');
    const asset = await fetch(`${t.baseUrl}/api/docs/assets/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
  });

  it('answers unknown routes with a coded error', async () => {
    const response = await fetch(`${t.baseUrl}/api/no-such-route`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe('ROUTE_NOT_FOUND');
    expect(ERROR_CODES).toContain(body.error.code);
  });
});

describe('start-up', () => {
  const main = join(__dirname, '..', '..', 'dist', 'main.js');

  it('refuses a bad configuration value with a message naming the variable', () => {
    const result = spawnSync(process.execPath, [main], {
      env: { ...process.env, PORT: 'not-a-port', DATA_DIR: '/tmp/soc-drill-never' },
      encoding: 'utf8',
      timeout: 20000,
    });
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/PORT: .*not-a-port/);
  });
});
