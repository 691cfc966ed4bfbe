import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { chromium, type Browser } from 'playwright-core';
import { createApp } from '../../src/app-factory';
import { loadConfig } from '../../src/config/app-config';
import { en } from '../../web/src/i18n/en';
import { vi } from '../../web/src/i18n/vi';
import { startOidcProvider, type OidcTestProvider } from '../auth/oidc-test-provider';

/**
 * The console's single sign-on in Chromium: the SSO button, the provider's pages, the return to
 * /login with a one-time code that the console exchanges and removes from the address bar, and the
 * logout at the provider. The server listens on a port chosen first, so that PUBLIC_URL (the
 * provider's redirect target) is the address the browser really opens.
 */
const ROOT = resolve(__dirname, '..', '..');
const WEB_DIST = join(ROOT, 'dist', 'web');
const CHROMIUM = '/usr/bin/chromium';

jest.setTimeout(60_000);

async function freePort(): Promise<number> {
  const probe: Server = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

describe('single sign-on in the console (browser)', () => {
  let provider: OidcTestProvider;
  let app: INestApplication;
  let dataDir: string;
  let publicUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST}/index.html missing: run \`npm run build:web\` first`);
    for (const level of ['info', 'warn'] as const) {
      const original = console[level].bind(console);
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        if (typeof args[0] !== 'string' || !args[0].startsWith('oidc-provider')) original(...args);
      });
    }
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    provider = await startOidcProvider({ redirectUri: `${publicUrl}/api/auth/sso/callback`, postLogoutRedirectUri: `${publicUrl}/login` });
    provider.accounts.set('dung-subject', { name: 'Phạm Văn Dũng', preferred_username: 'pham.van.dung', email: 'dung@lamson.gov.vn', groups: ['soc-lam-son'] });
    provider.accounts.set('outsider', { name: 'Người ngoài', preferred_username: 'nguoi.ngoai', email: 'x@example.vn', groups: ['marketing'] });
    dataDir = mkdtempSync(join(tmpdir(), 'soc-drill-sso-browser-'));
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      LOAD_BUNDLED_SCENARIOS: 'false',
      LOG_LEVEL: 'error',
      PASSWORD_SCRYPT_LOG2N: '10',
      WEB_DIST_DIR: WEB_DIST,
      PUBLIC_URL: publicUrl,
      SSO_ISSUER: provider.issuer,
      SSO_CLIENT_ID: provider.clientId,
      SSO_CLIENT_SECRET: provider.clientSecret,
      SSO_SCOPES: 'openid profile email groups',
      SSO_MAPPING: JSON.stringify({ rules: [{ group: 'soc-lam-son', organisation: 'lam-son', unit: 'so-tttt', roles: ['trainee'] }] }),
    });
    app = await createApp(config, { logger: false });
    await app.listen(port, '127.0.0.1');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await browser?.close();
    await app?.close();
    await provider?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in with the SSO button, keeps no code in the address bar, and signs out at the provider too', async () => {
    const context = await browser.newContext({ locale: 'vi-VN' });
    await context.addInitScript(() => localStorage.setItem('socdrill.lang', 'vi'));
    const page = await context.newPage();
    try {
      await page.goto(`${publicUrl}/login`);
      await page.getByRole('button', { name: vi.login.sso }).click();
      // The provider's own pages: sign in, then consent.
      await page.waitForURL(`${provider.issuer}/**`);
      await page.fill('input[name=login]', 'dung-subject');
      await page.fill('input[name=password]', 'mat-khau-o-nha-cung-cap');
      await page.click('button[type=submit]');
      await page.click('button[type=submit]');
      await page.waitForSelector('[data-testid=lobby][data-loaded=true]');
      expect(page.url()).toBe(`${publicUrl}/`);
      await expect(page.getByTestId('current-user').textContent()).resolves.toBe('Phạm Văn Dũng');
      // The one-time code left no trace in the address bar.
      expect(await page.evaluate(() => window.location.hash)).toBe('');

      await page.getByTestId('logout').click();
      await page.waitForURL(`${provider.issuer}/**`);
      await page.getByRole('button', { name: 'Yes, sign me out' }).click();
      await page.waitForURL(`${publicUrl}/login`);
      await page.getByRole('button', { name: vi.login.sso }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('shows a refused mapping in words with its code, in English too', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    await context.addInitScript(() => localStorage.setItem('socdrill.lang', 'en'));
    const page = await context.newPage();
    try {
      await page.goto(`${publicUrl}/login`);
      await page.getByRole('button', { name: en.login.sso }).click();
      await page.waitForURL(`${provider.issuer}/**`);
      await page.fill('input[name=login]', 'outsider');
      await page.fill('input[name=password]', 'any');
      await page.click('button[type=submit]');
      await page.click('button[type=submit]');
      const error = page.getByTestId('error');
      await error.waitFor();
      await expect(error.textContent()).resolves.toContain(en.errors.SSO_NO_MAPPING);
      await expect(error.textContent()).resolves.toContain('SSO_NO_MAPPING');
      expect(new URL(page.url()).hash).toBe('');
    } finally {
      await context.close();
    }
  });
});
