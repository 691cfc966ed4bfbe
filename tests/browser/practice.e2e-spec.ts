import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { parseScenario } from '../../src/scenarios/scenario-parser';
import { api, login } from '../support/api';
import { alertRefsOf, startTestApp, type TestApp } from '../support/test-app';

/**
 * Self-paced practice in a real browser: an instructor opens the flagship for practice on its
 * scenario page; a trainee starts a solo run from the lobby, moves the clock, takes a practice hint,
 * ends the run and reads the debrief with the hint listed, in Vietnamese and in English; the CIO
 * finds the runs apart from the graded drills. dist/web must be built first.
 */
const ROOT = resolve(__dirname, '..', '..');
const WEB_DIST = join(ROOT, 'dist', 'web');
const SHOTS = join(ROOT, 'tests', 'output', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const VIEWPORT = { width: 1366, height: 768 };

jest.setTimeout(120_000);

const flagship = (() => {
  const result = parseScenario(readFileSync(join(ROOT, 'scenarios', 'portal-defacement.yaml')));
  if (!result.ok) throw new Error('portal-defacement.yaml is invalid');
  return result.scenario;
})();
const uploadHint = flagship.practiceHints!.find((h) => 'alert' in h.for && h.for.alert === 'ex-waf-upload-phtml')!;

describe('self-paced practice in a real browser', () => {
  let app: TestApp;
  let browser: Browser;

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

  async function signedIn(username: string, lang: 'vi' | 'en'): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: VIEWPORT, locale: lang === 'vi' ? 'vi-VN' : 'en-GB', reducedMotion: 'reduce' });
    await context.addInitScript((l) => localStorage.setItem('socdrill.lang', l), lang);
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/login`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', 'socdrill-demo');
    await page.click('[data-testid=login-submit]');
    // A reviewer lands on the results, everyone else on the lobby.
    await page.waitForSelector(
      username === 'reviewer' ? '[data-testid=results-exercises], [data-testid=results-practice], main' : '[data-testid=lobby][data-loaded=true]',
    );
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    return { context, page };
  }

  it('instructor: opens the flagship for practice on its scenario page', async () => {
    const { context, page } = await signedIn('instructor', 'vi');
    await page.goto(`${app.baseUrl}/scenarios/portal-defacement`);
    const opening = page.locator('[data-testid=practice-opening]');
    await opening.waitFor();
    await page.locator('[data-testid=practice-opening-toggle]:not([disabled])').waitFor();
    expect(await opening.getAttribute('data-open')).toBe('false');
    await page.click('[data-testid=practice-opening-toggle]');
    await page.locator('[data-testid=practice-opening][data-open=true]').waitFor();
    await opening.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'vi-practice-opening.png') });
    expect(await opening.innerText()).toContain('đang mở cho học viên');
    await context.close();
  });

  for (const [lang, username] of [
    ['vi', 'trainee1'],
    ['en', 'trainee2'],
  ] as const) {
    it(`trainee (${lang}): starts a solo run, moves the clock, takes a practice hint, ends it and reads the debrief`, async () => {
      const { context, page } = await signedIn(username, lang);
      const catalogue = page.locator('[data-testid=practice-catalogue][data-loaded=true]');
      await catalogue.waitFor();
      await page.locator('[data-testid=practice-scenario][data-scenario-id=portal-defacement]').waitFor();
      await page.screenshot({ path: join(SHOTS, `${lang}-practice-lobby.png`) });
      expect(await catalogue.innerText()).toContain(lang === 'vi' ? 'Tự luyện tập' : 'Practise on your own');

      await page.click('[data-testid=practice-scenario][data-scenario-id=portal-defacement] [data-testid=practice-start]');
      await page.waitForURL('**/exercises/*/console');
      const exerciseId = /exercises\/([0-9a-f-]{36})\/console/.exec(page.url())![1]!;
      const bar = page.locator('[data-testid=practice-bar]');
      await bar.waitFor();

      // Pause and resume, then skip ahead past the upload alert (T+10m).
      await page.click('[data-testid=practice-pause]');
      await page.locator('[data-testid=practice-resume-clock]').waitFor();
      await page.click('[data-testid=practice-resume-clock]');
      await page.locator('[data-testid=practice-pause]').waitFor();
      await page.click('[data-testid=practice-skip-15]');
      const ref = (await alertRefsOf(app, exerciseId))('ex-waf-upload-phtml');
      await page.locator(`[data-testid=alert-row][data-alert-id="${ref}"]`).waitFor({ timeout: 30_000 });
      await page.click(`[data-testid=alert-row][data-alert-id="${ref}"]`);
      await page.click('[data-testid=practice-hint-ask]');
      const hint = page.locator('[data-testid=practice-hint]');
      await hint.waitFor();
      expect(await hint.innerText()).toContain(uploadHint.text[lang].slice(0, 40));
      await page.screenshot({ path: join(SHOTS, `${lang}-practice-console.png`) });
      // Asking again on the same alert: no more hints for it.
      await page.click('[data-testid=practice-hint-ask]');
      await page.locator('[data-testid=practice-hint-none]').waitFor();

      await page.click('[data-testid=practice-finish]');
      await page.click('[data-testid=practice-finish-confirm-button]');
      await page.locator('[data-testid=end-banner][data-reason=finished]').waitFor({ timeout: 30_000 });
      await page.click('[data-testid=end-banner] [data-testid=open-review]');
      await page.waitForURL(`**/exercises/${exerciseId}/review`);
      await page.locator('[data-testid=review-page][data-loaded=true]').waitFor({ timeout: 30_000 });
      const debriefHints = page.locator('[data-testid=practice-hints-debrief]');
      await debriefHints.waitFor();
      await page.locator('[data-testid=practice-hint-row]').first().waitFor();
      await debriefHints.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SHOTS, `${lang}-practice-debrief.png`) });
      const text = await debriefHints.innerText();
      expect(text).toContain(lang === 'vi' ? 'Gợi ý luyện tập đã dùng' : 'Practice hints taken');
      expect(text).toContain(uploadHint.text[lang].slice(0, 40));
      // Named by its title, never by its reference.
      expect(text).toContain(flagship.timeline.find((a) => a.id === 'ex-waf-upload-phtml')!.title[lang].slice(0, 30));
      expect(text).not.toMatch(/AL-[0-9a-f]{6,}/);

      // Back in the lobby the run is listed as practice and a new one may start.
      await page.goto(`${app.baseUrl}/`);
      await page.locator(`[data-testid=exercise-row][data-exercise-id="${exerciseId}"] [data-testid=practice-badge]`).waitFor();
      await page.locator('[data-testid=practice-start]:not([disabled])').first().waitFor();
      await context.close();
    });
  }

  it('reviewer: finds the practice runs apart from the graded drills, labelled as practice', async () => {
    const reviewer = await login(app.baseUrl, 'reviewer');
    const list = await api<{ exercises: unknown[]; practice: unknown[] }>(app.baseUrl, reviewer, 'GET', '/results/exercises');
    expect([list.body.exercises.length, list.body.practice.length]).toEqual([0, 2]);
    for (const lang of ['vi', 'en'] as const) {
      const { context, page } = await signedIn('reviewer', lang);
      await page.goto(`${app.baseUrl}/results`);
      const practice = page.locator('[data-testid=results-practice]');
      await practice.waitFor();
      expect(await page.locator('[data-testid=results-practice-row]').count()).toBe(2);
      expect(await practice.innerText()).toContain(lang === 'vi' ? 'Luyện tập (không tính xếp hạng)' : 'Practice runs (not ranked)');
      await page.screenshot({ path: join(SHOTS, `${lang}-practice-results.png`) });
      // A run's own results page says it is practice.
      await page.locator('[data-testid=results-practice-row] a').first().click();
      await page.locator('[data-testid=results-practice-badge]').waitFor();
      await context.close();
    }
  });
});
