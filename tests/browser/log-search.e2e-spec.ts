import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import { en as enDictionary } from '../../web/src/i18n/en';
import { vi as viDictionary } from '../../web/src/i18n/vi';
import { api, login, userIds } from '../support/api';
import { alertRefsOf, startTestApp, type TestApp } from '../support/test-app';

/**
 * The console's log search (Tra cứu nhật ký) in Chromium: a query with its histogram and rows, the
 * syntax error under the box, and a pivot from an alert's observable. dist/web must be built first.
 */
const ROOT = resolve(__dirname, '..', '..');
const WEB_DIST = join(ROOT, 'dist', 'web');
const SHOTS = join(ROOT, 'tests', 'output', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';

jest.setTimeout(120_000);

describe('log search in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let exercise: ExerciseDto;
  let ref: (eventId: string) => string;

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST}/index.html missing: run \`npm run build:web\` first`);
    mkdirSync(SHOTS, { recursive: true });
    app = await startTestApp({ LOAD_BUNDLED_SCENARIOS: 'true', SCENARIOS_DIR: join(ROOT, 'scenarios'), WEB_DIST_DIR: WEB_DIST, PASSWORD_SCRYPT_LOG2N: '10' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const instructor = await login(app.baseUrl, 'instructor');
    const ids = await userIds(app.baseUrl, await login(app.baseUrl, 'admin'));
    const list = await api<Array<{ scenarioId: string; versionId: string }>>(app.baseUrl, instructor, 'GET', '/scenarios');
    const created = await api<ExerciseDto>(app.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: list.body.find((s) => s.scenarioId === 'portal-defacement')!.versionId,
      teams: [{ name: 'Đội Xanh', memberIds: [ids.trainee1] }],
      seed: 11,
    });
    exercise = created.body;
    ref = await alertRefsOf(app, exercise.id);
    await api(app.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`);
    await api(app.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 20 * 60_000 });
    await api(app.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/pause`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function open(lang: 'vi' | 'en'): Promise<{ page: Page; close: () => Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: lang === 'vi' ? 'vi-VN' : 'en-GB' });
    await context.addInitScript((l) => localStorage.setItem('socdrill.lang', l), lang);
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/login`);
    await page.fill('input[name=username]', 'trainee1');
    await page.fill('input[name=password]', 'socdrill-demo');
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=lobby][data-loaded=true]');
    await page.goto(`${app.baseUrl}/exercises/${exercise.id}/console`);
    return { page, close: () => context.close() };
  }

  it.each(['vi', 'en'] as const)('searches, shows the histogram and rows, and points at a syntax error (%s)', async (lang) => {
    const dictionary = lang === 'vi' ? viDictionary : enDictionary;
    const { page, close } = await open(lang);
    await page.click('[data-testid=tab-logs]');
    expect(await page.locator('[data-testid=tab-logs]').innerText()).toContain(dictionary.logs.tab);
    await page.fill('[data-testid=log-query]', 'source.ip:203.0.113.66 AND http.response.status_code:404');
    await page.click('[data-testid=log-run]');
    await page.waitForSelector('[data-testid=log-results] tbody tr');
    await page.waitForSelector('[data-testid=log-histogram]');
    const rows = await page.locator('[data-testid=log-results] tbody tr').allInnerTexts();
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) expect(row).toContain('203.0.113.66');
    await page.screenshot({ path: join(SHOTS, `${lang}-log-search.png`) });
    await page.fill('[data-testid=log-query]', 'source.ip:203.0.113.66 AND (');
    await page.click('[data-testid=log-run]');
    await page.waitForSelector(`text=${dictionary.logs.syntaxAt.replace('{{column}}', '')}`);
    await close();
  });

  it("pivots from an alert's observable to the events and alerts that carry it", async () => {
    const { page, close } = await open('vi');
    await page.click(`[data-alert-id="${ref('sc-waf-404-burst')}"]`);
    await page.locator('[data-testid=observable-pivot]', { hasText: '203.0.113.66' }).first().click();
    await page.waitForSelector('[data-testid=log-pivot]');
    await page.waitForSelector('[data-testid=log-results] tbody tr');
    expect(await page.inputValue('[data-testid=log-query]')).toContain('"203.0.113.66"');
    await page.screenshot({ path: join(SHOTS, 'vi-log-pivot.png') });
    await close();
  });
});
