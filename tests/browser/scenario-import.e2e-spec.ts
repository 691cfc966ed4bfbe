import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { en as enDictionary } from '../../web/src/i18n/en';
import { vi as viDictionary } from '../../web/src/i18n/vi';
import { api, login } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The instructor's import in a real browser: a Suricata sample and its mapping file in, the summary
 * and the draft previewed, the draft saved as a new scenario, in both languages. dist/web must be built first.
 */
const ROOT = resolve(__dirname, '..', '..');
const WEB_DIST = join(ROOT, 'dist', 'web');
const SHOTS = join(ROOT, 'tests', 'output', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const SAMPLE = join(ROOT, 'tests', 'fixtures', 'import', 'suricata', 'first-org-conf-2015.json');
const MAPPING = readFileSync(join(ROOT, 'tests', 'fixtures', 'import', 'suricata.map.yaml'), 'utf8');

jest.setTimeout(120_000);

describe('scenario import in a real browser', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST}/index.html missing: run \`npm run build:web\` first`);
    mkdirSync(SHOTS, { recursive: true });
    app = await startTestApp({ WEB_DIST_DIR: WEB_DIST, PASSWORD_SCRYPT_LOG2N: '10' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function signIn(lang: 'vi' | 'en'): Promise<{ page: Page; close: () => Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: lang === 'vi' ? 'vi-VN' : 'en-GB' });
    await context.addInitScript((l) => localStorage.setItem('socdrill.lang', l), lang);
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/login`);
    await page.fill('input[name=username]', 'instructor');
    await page.fill('input[name=password]', 'socdrill-demo');
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=lobby][data-loaded=true]');
    return { page, close: () => context.close() };
  }

  it.each(['vi', 'en'] as const)('%s: upload a Suricata sample, preview the summary and the draft, save it as a new scenario', async (lang) => {
    const dictionary = lang === 'vi' ? viDictionary : enDictionary;
    const id = `suricata-drill-${lang}`;
    const { page, close } = await signIn(lang);
    await page.goto(`${app.baseUrl}/scenarios`);
    await page.click('[data-testid=import-scenario]');
    await page.waitForSelector(`text=${dictionary.importer.title}`);
    await page.locator('input[type=file]').setInputFiles(SAMPLE);
    await page.fill('[data-testid=import-mapping]', MAPPING);
    await page.fill('[data-testid=import-id]', id);
    await page.click('[data-testid=import-preview]');
    await page.waitForSelector('[data-testid=import-valid]');
    const summary = await page.locator('[data-testid=import-summary]').innerText();
    expect(summary).toContain(`${dictionary.importer.read}: 136`);
    expect(summary).toContain(`${dictionary.importer.alerts}: 136`);
    expect(summary).toMatch(/192\.168\.0\.2\s+10\.20\.1\.20 \(portal-web\)/);
    const draft = await page.locator('[data-testid=import-draft]').inputValue();
    expect(draft).toContain(`id: ${id}`);
    expect(draft).toContain('licence: MIT');
    await page.screenshot({ path: join(SHOTS, `${lang}-scenario-import-preview.png`), fullPage: true });

    await page.click('[data-testid=import-save]');
    await page.waitForURL(`**/scenarios/${id}`);
    const token = await login(app.baseUrl, 'instructor');
    const list = await api<Array<{ scenarioId: string; version: string; eventCount: number }>>(app.baseUrl, token, 'GET', '/scenarios');
    expect(list.body.find((s) => s.scenarioId === id)).toMatchObject({ version: '1.0.0', eventCount: 136 });
    await close();
  });

  it('shows a malformed line with its line number, and a wrong format as a coded error', async () => {
    const { page, close } = await signIn('en');
    await page.goto(`${app.baseUrl}/scenarios/import`);
    const lines = (JSON.parse(readFileSync(SAMPLE, 'utf8')) as unknown[]).slice(0, 3).map((r) => JSON.stringify(r));
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(`${lines[0]}\n{"timestamp": \n${lines[1]}\n`) });
    await page.click('[data-testid=import-preview]');
    await page.waitForSelector('[data-testid=import-skipped]');
    expect(await page.locator('[data-testid=import-skipped]').innerText()).toContain('broken.json:2');
    // No mapping file, so no source: the warning says to credit the data.
    expect(await page.locator('[data-testid=import-warning]').innerText()).toContain(enDictionary.importer.warnings.IMPORT_NO_SOURCE);
    await page.screenshot({ path: join(SHOTS, 'en-scenario-import-malformed.png'), fullPage: true });
    await page.click('[data-testid=import-format]');
    await page.click('text=Wazuh (alerts.json)');
    await page.click('[data-testid=import-preview]');
    await page.waitForSelector('text=IMPORT_WRONG_FORMAT');
    await close();
  });
});
