import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import { parseScenario } from '../../src/scenarios/scenario-parser';
import { api, login, userIds } from '../support/api';
import { alertRefsOf, startTestApp, type TestApp } from '../support/test-app';

/**
 * The debrief in a real browser: after a played and finished drill a trainee opens the team's
 * review from the console's end banner, in Vietnamese and without internal ids; the instructor opens
 * the hot-wash from the cockpit and sees every team. dist/web must be built first.
 */
const ROOT = resolve(__dirname, '..', '..');
const WEB_DIST = join(ROOT, 'dist', 'web');
const SHOTS = join(ROOT, 'tests', 'output', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const VIEWPORT = { width: 1366, height: 768 };
const MIN = 60_000;

jest.setTimeout(90_000);

const flagship = (() => {
  const result = parseScenario(readFileSync(join(ROOT, 'scenarios', 'portal-defacement.yaml')));
  if (!result.ok) throw new Error('portal-defacement.yaml is invalid');
  return result.scenario;
})();

/** Every scenario id a reader could be shown by mistake (assets are named by the organisers' names, so they are not here). */
const INTERNAL_IDS = [
  ...flagship.timeline.map((a) => a.id),
  ...flagship.responses.map((r) => r.id),
  ...flagship.harmful.map((h) => h.id),
  ...flagship.reporting.map((o) => o.id),
  ...flagship.parties.map((p) => p.id),
  ...flagship.incidents.map((i) => i.id),
  ...flagship.phases.map((p) => p.id),
];

function internalIdsIn(text: string): string[] {
  const found = INTERNAL_IDS.filter((id) => new RegExp(`(^|[^\\w-])${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-])`).test(text));
  const refs = text.match(/AL-[0-9a-f]{6,}/g) ?? [];
  return [...found, ...refs];
}

describe('debrief pages in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let instructor: string;
  let exerciseId = '';
  const teamNames = ['Đội Xanh', 'Đội Đỏ'];

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST}/index.html missing: run \`npm run build:web\` first`);
    mkdirSync(SHOTS, { recursive: true });
    app = await startTestApp({ LOAD_BUNDLED_SCENARIOS: 'true', SCENARIOS_DIR: join(ROOT, 'scenarios'), WEB_DIST_DIR: WEB_DIST, PASSWORD_SCRYPT_LOG2N: '10' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    instructor = await login(app.baseUrl, 'instructor');
    const ids = await userIds(app.baseUrl, await login(app.baseUrl, 'admin'));
    const list = await api<Array<{ scenarioId: string; versionId: string }>>(app.baseUrl, instructor, 'GET', '/scenarios');
    const created = await api<ExerciseDto>(app.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: list.body.find((s) => s.scenarioId === 'portal-defacement')!.versionId,
      teams: [
        { name: teamNames[0], memberIds: [ids.trainee1] },
        { name: teamNames[1], memberIds: [ids.trainee2] },
      ],
      speed: 1,
      seed: 21,
    });
    expect(created.status).toBe(201);
    exerciseId = created.body.id;

    // Đội Xanh sees the web shell, isolates web-01 in time, preserves the evidence too late; Đội Đỏ does nothing.
    expect((await api(app.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/start`)).status).toBe(200);
    expect((await api(app.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/seek`, { virtualMs: 20 * MIN })).status).toBe(200);
    const ref = await alertRefsOf(app, exerciseId);
    const trainee1 = await login(app.baseUrl, 'trainee1');
    const act = async (body: Record<string, unknown>) => {
      const response = await api(app.baseUrl, trainee1, 'POST', `/exercises/${exerciseId}/actions`, { actionId: crypto.randomUUID(), exerciseId, ...body });
      expect(response.status).toBeLessThan(300);
    };
    await act({ type: 'alert.verdict', alertId: ref('ws-fim-new-phtml'), verdict: 'true-positive' });
    await act({ type: 'alert.verdict', alertId: ref('ws-av-webshell'), verdict: 'true-positive' });
    await act({ type: 'response', action: 'isolate-host', target: 'web-01' });
    expect((await api(app.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/seek`, { virtualMs: 75 * MIN })).status).toBe(200);
    await act({ type: 'response', action: 'preserve-evidence', target: 'web-01' });
    expect((await api(app.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/finish`)).status).toBe(200);
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
    await page.waitForSelector('[data-testid=lobby][data-loaded=true]');
    return { context, page };
  }

  it('trainee: opens the review from the end banner, in Vietnamese, with no internal ids, filters and alert links', async () => {
    const { context, page } = await signedIn('trainee1', 'vi');
    // The lobby offers the review of the finished exercise too.
    await page.locator(`[data-testid=exercise-row][data-exercise-id="${exerciseId}"] [data-testid=open-review]`).waitFor();
    await page.goto(`${app.baseUrl}/exercises/${exerciseId}/console`);
    await page.locator('[data-testid=end-banner][data-reason=finished]').waitFor();
    await page.click('[data-testid=open-review]');
    await page.waitForURL(`**/exercises/${exerciseId}/review`);
    await page.locator('[data-testid=review-page][data-loaded=true]').waitFor();
    await page.screenshot({ path: join(SHOTS, 'vi-review.png') });
    await page.screenshot({ path: join(SHOTS, 'vi-review-full.png'), fullPage: true });
    for (const section of ['notes', 'missed', 'ideal', 'timeline'] as const) {
      await page.locator(`[data-testid=review-${section}]`).evaluate((node) => node.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: join(SHOTS, `vi-review-${section}.png`) });
    }

    const text = await page.locator('body').innerText();
    expect(text).toContain('Đánh giá sau diễn tập — Đội Xanh');
    expect(internalIdsIn(text)).toEqual([]);
    // Annotated in words: web-01 isolated some minutes after the file-integrity alert, with its window.
    const isolation = flagship.responses.find((r) => r.id === 'r-isolate-web01')!;
    const opening = flagship.timeline.find((a) => a.id === 'ws-fim-new-phtml')!;
    expect(text).toMatch(
      new RegExp(
        `Cô lập máy chủ: [^\\n]* lúc T\\+\\d\\d:\\d\\d, \\d+ phút sau cảnh báo «${opening.title.vi.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}»; thời hạn là \\d+ phút`,
      ),
    );
    expect(isolation.target).toBe('web-01');
    expect(text).toContain('quá hạn, không được điểm');
    // Scorer English and the forbidden word stay out of the Vietnamese page.
    expect(text).not.toMatch(/true positive|routed to|leo thang(?! đặc quyền)|window was/i);

    // Filters: only missed items, then one stage.
    await page.locator('[data-testid=review-kind-filter] label', { hasText: 'Bỏ lọt, không làm' }).click();
    const kinds = await page.locator('[data-testid=review-note]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-kind')));
    expect(kinds.length).toBeGreaterThan(0);
    expect(new Set(kinds)).toEqual(new Set(['missed']));

    // A missed alert links to its detail in the console.
    const link = page.locator('[data-testid=review-missed] a').first();
    const href = await link.getAttribute('href');
    expect(href).toMatch(new RegExp(`^/exercises/${exerciseId}/console\\?alert=AL-[0-9a-f]+$`));
    await link.click();
    const alertRef = decodeURIComponent(href!.split('alert=')[1]!);
    await page.locator(`[data-testid=alert-row][data-alert-id="${alertRef}"][aria-selected=true]`).waitFor({ timeout: 10_000 });

    // The print view drops the app's chrome and the filters.
    await page.goto(`${app.baseUrl}/exercises/${exerciseId}/review`);
    await page.locator('[data-testid=review-page][data-loaded=true]').waitFor();
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('[data-testid=review-print]').isVisible()).resolves.toBe(false);
    await expect(page.locator('[data-testid=review-kind-filter]').isVisible()).resolves.toBe(false);
    await page.screenshot({ path: join(SHOTS, 'vi-review-print.png') });
    await context.close();
  });

  it('trainee: the review in English names things by their English titles', async () => {
    const { context, page } = await signedIn('trainee1', 'en');
    await page.goto(`${app.baseUrl}/exercises/${exerciseId}/review`);
    await page.locator('[data-testid=review-page][data-loaded=true]').waitFor();
    await page.screenshot({ path: join(SHOTS, 'en-review.png') });
    const text = await page.locator('body').innerText();
    expect(text).toContain('After-action review');
    expect(text).toContain(flagship.timeline.find((a) => a.id === 'ws-fim-new-phtml')!.title.en);
    expect(internalIdsIn(text)).toEqual([]);
    await context.close();
  });

  it("during the run: the instructor's hot-wash shows the figures so far; a trainee's review waits for the end", async () => {
    const running = await api<ExerciseDto>(app.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: (await api<ExerciseDto>(app.baseUrl, instructor, 'GET', `/exercises/${exerciseId}`)).body.scenarioVersionId,
      teams: [{ name: 'Đội Lục', memberIds: [(await userIds(app.baseUrl, await login(app.baseUrl, 'admin'))).trainee3] }],
      speed: 1,
      seed: 22,
    });
    expect((await api(app.baseUrl, instructor, 'POST', `/exercises/${running.body.id}/start`)).status).toBe(200);
    expect((await api(app.baseUrl, instructor, 'POST', `/exercises/${running.body.id}/seek`, { virtualMs: 20 * MIN })).status).toBe(200);
    const teacher = await signedIn('instructor', 'vi');
    await teacher.page.goto(`${app.baseUrl}/exercises/${running.body.id}/hotwash`);
    await teacher.page.locator('[data-testid=hotwash][data-loaded=true]').waitFor();
    await expect(teacher.page.locator('[data-testid=hotwash-team]').allInnerTexts()).resolves.toEqual(['Đội Lục']);
    await expect(teacher.page.locator('body').innerText()).resolves.toContain('Bài diễn tập đang chạy: số liệu tạm tính tới thời điểm hiện tại.');
    await teacher.context.close();
    const trainee = await signedIn('trainee3', 'vi');
    await trainee.page.goto(`${app.baseUrl}/exercises/${running.body.id}/review`);
    await trainee.page.locator('text=Đánh giá của đội mở khi bài diễn tập kết thúc.').waitFor();
    await expect(trainee.page.locator('[data-testid=review-page]').getAttribute('data-loaded')).resolves.toBe('false');
    await trainee.context.close();
  });

  it("instructor: opens the hot-wash from the cockpit and sees every team; a team's review from the cockpit", async () => {
    for (const lang of ['vi', 'en'] as const) {
      const { context, page } = await signedIn('instructor', lang);
      await page.goto(`${app.baseUrl}/exercises/${exerciseId}/cockpit`);
      await page.click('[data-testid=cockpit-hotwash]');
      await page.waitForURL(`**/exercises/${exerciseId}/hotwash`);
      await page.locator('[data-testid=hotwash][data-loaded=true]').waitFor();
      await expect(page.locator('[data-testid=hotwash-team]').allInnerTexts()).resolves.toEqual(teamNames);
      await page.screenshot({ path: join(SHOTS, `${lang}-hotwash.png`) });
      await page.locator('[data-testid=hotwash-missed]').evaluate((node) => node.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: join(SHOTS, `${lang}-hotwash-missed.png`) });
      await page.locator('[data-testid=hotwash-divergences]').evaluate((node) => node.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: join(SHOTS, `${lang}-hotwash-divergences.png`) });
      const text = await page.locator('body').innerText();
      expect(internalIdsIn(text)).toEqual([]);
      for (const name of teamNames) expect(text).toContain(name);
      await page.click('[data-testid=hotwash-fullscreen]');
      await page.locator('[data-testid=hotwash][data-projected=true]').waitFor();
      await page.screenshot({ path: join(SHOTS, `${lang}-hotwash-projected.png`) });
      await context.close();
    }
    const { context, page } = await signedIn('instructor', 'vi');
    await page.goto(`${app.baseUrl}/exercises/${exerciseId}/cockpit`);
    await page.locator('[data-testid=team-row]').nth(1).locator('[data-testid=team-review]').click();
    await page.locator('[data-testid=review-page][data-loaded=true]').waitFor();
    await expect(page.innerText('[data-testid=review-title]')).resolves.toContain(teamNames[1]);
    expect(internalIdsIn(await page.locator('body').innerText())).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'vi-review-instructor.png') });
    await context.close();
  });
});
