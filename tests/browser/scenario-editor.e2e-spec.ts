import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { en as enDictionary } from '../../web/src/i18n/en';
import { vi as viDictionary } from '../../web/src/i18n/vi';
import { api, login } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The instructor's scenario editor in Chromium: problems from the server's validator at their line
 * as the author types, the timeline from the same check, updating once the slip is fixed; hover
 * details and click-to-line; the flagship at 1366×768 in both languages. dist/web must be built.
 */
const ROOT = resolve(__dirname, '..', '..');
const WEB_DIST = join(ROOT, 'dist', 'web');
const SHOTS = join(ROOT, 'tests', 'output', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const VIEWPORT = { width: 1366, height: 768 };

jest.setTimeout(180_000);

const minimal = readFileSync(join(ROOT, 'tests', 'fixtures', 'scenarios', 'valid', 'minimal.yaml'), 'utf8');
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('scenario editor with its timeline in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  const consoleProblems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST}/index.html missing: run \`npm run build:web\` first`);
    mkdirSync(SHOTS, { recursive: true });
    app = await startTestApp({ LOAD_BUNDLED_SCENARIOS: 'true', SCENARIOS_DIR: join(ROOT, 'scenarios'), WEB_DIST_DIR: WEB_DIST, PASSWORD_SCRYPT_LOG2N: '10' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function instructorPage(lang: 'vi' | 'en'): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: VIEWPORT, locale: lang === 'vi' ? 'vi-VN' : 'en-GB', reducedMotion: 'reduce' });
    await context.addInitScript((l) => localStorage.setItem('socdrill.lang', l), lang);
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) consoleProblems.push(message.text());
    });
    page.on('pageerror', (error) => consoleProblems.push(error.message));
    await page.goto(`${app.baseUrl}/login`);
    await page.fill('input[name=username]', 'instructor');
    await page.fill('input[name=password]', 'socdrill-demo');
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=lobby][data-loaded=true]');
    return { context, page };
  }

  it('shows a typed error inline at its line, keeps the last timeline meanwhile, and updates the timeline once fixed', async () => {
    const { context, page } = await instructorPage('en');
    await page.goto(`${app.baseUrl}/scenarios/new`);
    await page.fill('[data-testid=scenario-source]', minimal);
    const webshell = page.locator('[data-testid=timeline-alert][data-id=a-webshell]');
    await webshell.and(page.locator('[data-at="900"]')).waitFor();
    expect(await page.locator('[data-testid=timeline-alert]').count()).toBe(5);

    // Clicking a mark goes to its line in the YAML.
    await webshell.click();
    await page.locator('.cm-activeLine', { hasText: '- id: a-webshell' }).waitFor();

    // The next line is `at: 15m`; make it a duration the format refuses.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    for (let i = 0; i < '15m'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('15 minutes');
    await page.keyboard.press('Escape');
    const atLine = lineOf(minimal, '    at: 15m');
    const slip = page.locator('.cm-line', { hasText: 'at: 15 minutes' }).locator('.cm-lintRange-error');
    await slip.waitFor();
    expect(await slip.innerText()).toBe('15');
    await page.locator(`[data-testid=scenario-problem][data-line="${atLine}"]`, { hasText: 'SCENARIO_INVALID_FORMAT' }).waitFor();
    expect(await page.locator('.cm-lintRange-error').count()).toBe(1);
    // The timeline stays as last checked, marked as such.
    await page.locator('[data-testid=scenario-timeline-panel][data-stale=true]').waitFor();
    expect(await webshell.getAttribute('data-at')).toBe('900');
    await page.screenshot({ path: join(SHOTS, 'en-scenario-editor-inline-error.png') });

    // The error's message shows on hover, from the server's validator.
    await slip.hover();
    await page
      .locator('.cm-tooltip-lint', { hasText: 'SCENARIO_INVALID_FORMAT' })
      .or(page.locator('.cm-tooltip-lint', { hasText: 'duration' }))
      .first()
      .waitFor();

    // Fix it to another time: the problem goes, and the timeline follows (the web shell and the response window hanging on it).
    await page.locator('.cm-line', { hasText: 'at: 15 minutes' }).click();
    await page.keyboard.press('End');
    for (let i = 0; i < '15 minutes'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('12m');
    await page.keyboard.press('Escape');
    await webshell.and(page.locator('[data-at="720"]')).waitFor();
    await page.locator('[data-testid=scenario-timeline-panel][data-stale=false]').waitFor();
    expect(await page.locator('.cm-lintRange-error').count()).toBe(0);
    expect(await page.locator('[data-testid=scenario-problem]').count()).toBe(0);
    await page.locator('[data-testid=timeline-response][data-id=r-isolate] .tl-band[data-from="720"][data-until="1320"]').waitFor();
    await page.locator('[data-testid=scenario-valid]').waitFor();
    await context.close();
  });

  it('hovers give details and connect a trigger to the alerts it adds; completion offers the schema fields', async () => {
    const { context, page } = await instructorPage('vi');
    await page.goto(`${app.baseUrl}/scenarios/new`);
    await page.fill('[data-testid=scenario-source]', minimal);
    const trigger = page.locator('[data-testid=timeline-trigger][data-id=t-spread] [data-testid=timeline-trigger-point]');
    await trigger.waitFor();
    await trigger.hover();
    const card = page.locator('[data-testid=timeline-hover]');
    await card.waitFor();
    const text = await card.innerText();
    expect(text).toContain('t-spread');
    expect(text).toContain(`Kích hoạt ${viDictionary.authoring.fires.inaction}`);
    expect(text).toContain('T+25m');
    expect(text).toContain('a-spread');
    expect(await page.locator('[data-testid=timeline-alert][data-id=a-spread]').getAttribute('class')).toContain('is-released');
    expect(await page.locator('[data-testid=timeline-alert][data-id=a-exploit]').getAttribute('class')).toContain('is-dim');

    // Schema completion: a new top-level key offers the scenario's fields.
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('wallC');
    await page.keyboard.press('Control+Space');
    await page.locator('.cm-tooltip-autocomplete', { hasText: 'wallClockStart' }).waitFor();
    await context.close();
  });

  for (const lang of ['vi', 'en'] as const) {
    it(`draws the flagship at 1366×768 (${lang === 'vi' ? 'Vietnamese' : 'English'})`, async () => {
      const instructor = await login(app.baseUrl, 'instructor');
      const versions = await api<Array<{ versionId: string }>>(app.baseUrl, instructor, 'GET', '/scenarios/portal-defacement/versions');
      const { context, page } = await instructorPage(lang);
      await page.goto(`${app.baseUrl}/scenarios/portal-defacement/edit/${versions.body[0]!.versionId}`);
      await page.locator('[data-testid=timeline-alert][data-id=ws-fim-new-phtml]').waitFor({ timeout: 60_000 });
      const dictionary = lang === 'vi' ? viDictionary : enDictionary;
      await page.getByText(dictionary.authoring.lanes).waitFor();
      expect(await page.locator('[data-testid=timeline-lane]').count()).toBe(4);
      expect(await page.locator('[data-testid=timeline-noise]').count()).toBe(3);
      expect(await page.locator('[data-testid=timeline-trigger]').count()).toBe(9);
      expect(await page.locator('[data-testid=timeline-response]').count()).toBe(15);
      expect(await page.locator('[data-testid=timeline-report]').count()).toBe(4);
      // Nothing spills out sideways at 1366 px.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORT.width);
      await page.screenshot({ path: join(SHOTS, `${lang}-scenario-editor-timeline.png`) });

      await page.locator('[data-testid=timeline-trigger][data-id=t-web01-isolated] [data-testid=timeline-trigger-point]').hover();
      await page.locator('[data-testid=timeline-hover]').waitFor();
      expect(await page.locator('.tl-mark.is-cancelled').count()).toBe(28);
      await page.screenshot({ path: join(SHOTS, `${lang}-scenario-editor-trigger-hover.png`) });

      // The flagship's noise is three bands, not a dot per generated alert.
      await page.locator('[data-testid=timeline-noise][data-id=ng-ssh-bruteforce]').hover();
      await page.locator('[data-testid=timeline-hover]', { hasText: '40' }).waitFor();

      // Click a report deadline: the editor shows its line.
      await page.locator('[data-testid=timeline-report][data-id=rep-notification] .tl-band').click();
      await page.locator('.cm-activeLine', { hasText: 'rep-notification' }).waitFor();
      if (lang === 'en') {
        await page.click('[data-testid=theme-switch]');
        await page.waitForFunction(() => document.documentElement.getAttribute('data-mantine-color-scheme') === 'light');
        await page.mouse.move(0, 0);
        await page.screenshot({ path: join(SHOTS, 'en-scenario-editor-light.png') });
      }
      await context.close();
    });
  }

  it('logged no error and no CSP violation', () => {
    expect(consoleProblems).toEqual([]);
  });
});
