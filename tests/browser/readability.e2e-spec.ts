import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ExerciseDto, StreamEvent } from '../../src/contracts/exercise.schema';
import type { TeamState } from '../../src/contracts/triage.schema';
import { api, login, userIds } from '../support/api';
import { alertRefsOf, expectEventually, startTestApp, type TestApp } from '../support/test-app';

/**
 * The console's readability as a new user meets it, at 1366×768 in Vietnamese: the alert detail reads
 * first, times read as the drill's clock, unseen alerts are marked, and each role lands where it
 * belongs. Screenshots of the main screens in both languages go to tests/output/screenshots/
 * (readability-vi-*.png, readability-en-*.png). dist/web must be built first (`npm run build:web`).
 */
const ROOT = resolve(__dirname, '..', '..');
const WEB_DIST = join(ROOT, 'dist', 'web');
const SHOTS = join(ROOT, 'tests', 'output', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const VIEWPORT = { width: 1366, height: 768 };
/** The bundled drills start their raw logs at 08:00 (`wallClockStart`). */
const START_S = 8 * 3600;
const SEEK_MS = 15 * 60_000;

jest.setTimeout(90_000);

const wallClock = (virtualMs: number) => {
  const total = START_S + Math.floor(virtualMs / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(total / 3600))}:${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}`;
};
const seconds = (hms: string) => hms.split(':').reduce((sum, part) => sum * 60 + Number(part), 0);

describe('console readability at 1366×768', () => {
  let app: TestApp;
  let browser: Browser;
  let ids: Record<string, string>;
  let instructor: string;
  let exercise: ExerciseDto;
  let ref: (eventId: string) => string;

  async function newPage(lang: 'vi' | 'en'): Promise<Page> {
    const context = await browser.newContext({ viewport: VIEWPORT, locale: lang === 'vi' ? 'vi-VN' : 'en-GB', reducedMotion: 'reduce' });
    await context.addInitScript((l) => {
      if (!localStorage.getItem('socdrill.lang')) localStorage.setItem('socdrill.lang', l);
    }, lang);
    return context.newPage();
  }

  async function signIn(page: Page, username: string, lands: string): Promise<void> {
    await page.goto(`${app.baseUrl}/login`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', 'socdrill-demo');
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector(lands);
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `readability-${name}.png`) });
  const state = async (token: string) => (await api<TeamState>(app.baseUrl, token, 'GET', `/exercises/${exercise.id}/state`)).body;

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST}/index.html missing: run \`npm run build:web\` first`);
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get install -y chromium`);
    mkdirSync(SHOTS, { recursive: true });
    app = await startTestApp({ LOAD_BUNDLED_SCENARIOS: 'true', SCENARIOS_DIR: join(ROOT, 'scenarios'), WEB_DIST_DIR: WEB_DIST, PASSWORD_SCRYPT_LOG2N: '10' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    ids = await userIds(app.baseUrl, await login(app.baseUrl, 'admin'));
    instructor = await login(app.baseUrl, 'instructor');
    const scenarios = await api<Array<{ scenarioId: string; versionId: string }>>(app.baseUrl, instructor, 'GET', '/scenarios');
    const created = await api<ExerciseDto>(app.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: scenarios.body.find((s) => s.scenarioId === 'portal-defacement')!.versionId,
      title: 'Diễn tập Cổng TTĐT – dễ đọc',
      teams: [{ name: 'Đội Xanh', memberIds: [ids.trainee1, ids.trainee2] }],
      speed: 1,
      seed: 7,
    });
    expect(created.status).toBe(201);
    exercise = created.body;
    ref = await alertRefsOf(app, exercise.id);
    // Started, then moved on 15 minutes: every alert due by then arrives at once, late.
    expect((await api(app.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`)).status).toBe(200);
    expect((await api(app.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: SEEK_MS })).status).toBe(200);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('trainee: the detail reads first, times read as the clock, unseen alerts are marked, Enter records, responses show on the incident', async () => {
    const trainee = await login(app.baseUrl, 'trainee1');
    const page = await newPage('vi');
    await page.goto(`${app.baseUrl}/login`);
    // No developer note on the sign-in page.
    await expect(page.locator('body').innerText()).resolves.not.toMatch(/sessionStorage|mã truy cập|mã làm mới/i);
    await signIn(page, 'trainee1', '[data-testid=lobby][data-loaded=true]');
    // No stream on the lobby: no connection indicator, and no shouting "no live stream".
    expect(await page.locator('[data-testid=connection-state]').count()).toBe(0);
    await expect(page.locator('body').innerText()).resolves.not.toMatch(/luồng trực tiếp/i);

    await page.click('[data-testid=open-console]');
    const connection = page.locator('[data-testid=connection-state][data-state=connected]');
    await connection.waitFor();
    // innerText follows CSS text-transform: the label reads as written, not in capitals.
    await expect(connection.innerText()).resolves.toBe('Đã kết nối');

    // Each alert skipped by the seek shows its own time on the drill's clock, as the raw logs date it, and is unseen.
    const events = (await api<{ events: StreamEvent[] }>(app.baseUrl, trainee, 'GET', `/exercises/${exercise.id}/events?limit=5000`)).body.events;
    expect(events.length).toBeGreaterThan(5);
    const rows = page.locator('[data-testid=alert-row]');
    await expectEventually(async () => expect(await rows.count()).toBe(events.length), 10_000, 100);
    const shown = await rows.evaluateAll((els) =>
      els.map((el) => [el.getAttribute('data-alert-id'), el.querySelector('td')?.textContent, el.getAttribute('data-unseen')]),
    );
    expect(Object.fromEntries(shown.map(([id, time, unseen]) => [id, [time, unseen]]))).toEqual(
      Object.fromEntries(events.map((e) => [e.eventId, [wallClock(e.virtualMs), 'true']])),
    );
    expect(new Set(shown.map(([, time]) => time)).size).toBeGreaterThan(1);
    await expect(page.innerText('[data-testid=queue-counts]')).resolves.toContain(`${events.length} chưa xem`);
    // The header clock is the wall clock too, with the offset written as one.
    await expect(page.innerText('[data-testid=clock-time]')).resolves.toMatch(/^08:1\d:\d\d$/);
    await expect(page.innerText('[data-testid=clock-offset]')).resolves.toMatch(/^T\+1\d:\d\d \/ 02:00:00$/);

    // The detail: description, raw log and observables before any control; the controls in a compact dock below.
    const fim = ref('ws-fim-new-phtml');
    await page.click(`[data-testid=alert-row][data-alert-id="${fim}"]`);
    await page.locator('[data-testid=alert-title]', { hasText: 'FIM' }).waitFor();
    await expect(page.getAttribute(`[data-testid=alert-row][data-alert-id="${fim}"]`, 'data-unseen')).resolves.toBe('false');
    const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!;
    const detail = await box('[data-testid=alert-detail]');
    const scroll = await box('[data-testid=alert-detail-scroll]');
    const description = await box('[data-testid=alert-description]');
    const raw = await box('[data-testid=alert-raw]');
    const dock = await box('[data-testid=triage-dock]');
    expect(description.y + description.height).toBeLessThan(scroll.y + scroll.height);
    expect(raw.y).toBeLessThan(scroll.y + scroll.height - 60);
    for (const control of ['ack-button', 'verdict-control', 'verdict-reason', 'severity-control', 'menu-route', 'hint-request']) {
      expect([control, (await box(`[data-testid=${control}]`)).y > raw.y]).toEqual([control, true]);
    }
    expect(dock.height).toBeLessThan(detail.height * 0.4);
    // No function lost: the response menu opens each form.
    for (const [menu, field] of [
      ['route', 'route-parties'],
      ['incident', 'incident-create'],
      ['response', 'response-action'],
      ['note', 'note-text'],
    ]) {
      await page.click(`[data-testid=menu-${menu}]`);
      await page.locator(`[data-testid=${field}]`).waitFor();
    }
    await page.click('[data-testid=menu-note]');
    expect(await page.locator('[data-testid^=section-]').count()).toBe(0);
    await shot(page, 'vi-console-detail');

    // Scrolled down, then another alert: it opens at its top, title in view.
    const viewport = page.locator('[data-testid=alert-detail-scroll]');
    await viewport.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expectEventually(async () => expect(await viewport.evaluate((el) => el.scrollTop)).toBeGreaterThan(100), 2000, 50);
    const report = ref('l3-assessment-report');
    await page.click(`[data-testid=alert-row][data-alert-id="${report}"]`);
    await page.locator('[data-testid=alert-title]', { hasText: 'Báo cáo kiểm tra' }).waitFor();
    await expectEventually(async () => expect(await viewport.evaluate((el) => el.scrollTop)).toBe(0), 2000, 50);
    const title = await box('[data-testid=alert-title]');
    expect(title.y).toBeGreaterThanOrEqual((await box('[data-testid=alert-detail-scroll]')).y);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);

    // Enter in the reason field: without a verdict it says what is missing; with one it records it.
    await page.keyboard.press('r');
    await page.keyboard.type('Báo cáo định kỳ của Lớp 3');
    await page.keyboard.press('Enter');
    await expect(page.innerText('[data-testid=verdict-hint]')).resolves.toMatch(/Chọn một kết luận/);
    expect((await state(trainee)).alerts[report]?.verdict ?? null).toBeNull();
    await page.keyboard.press('Escape');
    await page.keyboard.press('1');
    await page.click('[data-testid=verdict-reason]');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=current-verdict]', { hasText: 'Cảnh báo đúng' }).waitFor();
    expect((await state(trainee)).alerts[report]).toMatchObject({ verdict: 'true-positive', verdictReason: 'Báo cáo định kỳ của Lớp 3' });

    // A response taken before the incident existed still shows on the incident of its alert.
    await page.click(`[data-testid=alert-row][data-alert-id="${fim}"]`);
    await page.keyboard.press('a');
    await page.locator('[data-testid=alert-owner][data-owner=me]').waitFor();
    await page.click('[data-testid=menu-response]');
    await page.click('[data-testid=response-action]');
    await page.getByRole('option', { name: /Cô lập máy chủ/ }).click();
    await page.fill('[data-testid=response-target]', 'web-01');
    await page.keyboard.press('Escape');
    await page.click('[data-testid=response-submit]');
    await expectEventually(
      async () => expect((await state(trainee)).responses.map((r) => [r.action, r.target, r.incidentId])).toEqual([['isolate-host', 'web-01', null]]),
      5000,
      100,
    );
    await page.click('[data-testid=menu-incident]');
    await page.click('[data-testid=incident-create]');
    await page.locator('[data-testid=tab-incidents]', { hasText: '(1)' }).waitFor();
    await shot(page, 'vi-console-alerts');
    await page.click('[data-testid=tab-incidents]');
    await expect(page.locator('[data-testid=incident-response]').allInnerTexts()).resolves.toEqual([expect.stringMatching(/Cô lập máy chủ → web-01/)]);
    await shot(page, 'vi-console-incidents');

    // Ownership counts in words, one alert singular; a teammate with none says so.
    await page.click('[data-testid=tab-activity]');
    await expect(page.locator('[data-testid=member-owns]').allInnerTexts()).resolves.toEqual(['Đang xử lý 1 cảnh báo', 'Chưa nhận cảnh báo nào']);
    await shot(page, 'vi-console-activity');

    // Seen stays seen after a reload; the rest stay unseen.
    await page.reload();
    await page.locator('[data-testid=alert-row]').first().waitFor();
    await expect(page.getAttribute(`[data-testid=alert-row][data-alert-id="${fim}"]`, 'data-unseen')).resolves.toBe('false');
    // (The clock runs: alerts that arrived meanwhile are unseen too.)
    const marks = await page.locator('[data-testid=alert-row]').evaluateAll((els) => els.map((el) => el.getAttribute('data-unseen')));
    expect(marks.filter((m) => m === 'false').length).toBe(2);
    await page.context().close();
  });

  it('instructor: the cockpit names alerts by title and its waiting time runs with the clock', async () => {
    const teammate = await login(app.baseUrl, 'trainee2');
    const target = ref('ws-fim-new-phtml');
    const note = await api(app.baseUrl, teammate, 'POST', `/exercises/${exercise.id}/actions`, {
      actionId: crypto.randomUUID(),
      exerciseId: exercise.id,
      type: 'alert.request-takeover',
      alertId: target,
    });
    expect(note.status).toBeLessThan(300);
    const page = await newPage('vi');
    await signIn(page, 'instructor', '[data-testid=lobby][data-loaded=true]');
    await page.goto(`${app.baseUrl}/exercises/${exercise.id}/cockpit`);
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor();
    const timeline = page.locator('[data-testid=cockpit-timeline]');
    const action = timeline.locator('tr', { hasText: /trainee2|Học viên 2/ }).first();
    await action.waitFor();
    await expect(action.innerText()).resolves.toContain('FIM: tệp thực thi mới trong thư mục tải lên');
    expect(await timeline.innerText()).not.toMatch(/AL-[0-9a-f]{6,}/);

    // "chờ mm:ss (nhận lúc hh:mm:ss)": the clock minus the delivery, and it grows as the clock runs.
    const waiting = async () => {
      const [cell, clock] = await Promise.all([page.innerText('[data-testid=team-waiting]'), page.innerText('[data-testid=clock-time]')]);
      const m = /chờ (\d+:\d+(?::\d+)?) \(nhận lúc (\d\d:\d\d:\d\d)\)/.exec(cell);
      expect(m).not.toBeNull();
      return { waited: seconds(m![1]!), delivered: seconds(m![2]!), clock: seconds(clock) };
    };
    await page.locator('[data-testid=team-waiting]', { hasText: 'chờ' }).waitFor();
    const first = await waiting();
    expect(Math.abs(first.clock - first.delivered - first.waited)).toBeLessThanOrEqual(2);
    expect(first.delivered).toBe(START_S + SEEK_MS / 1000);
    await expectEventually(async () => expect((await waiting()).waited).toBeGreaterThanOrEqual(first.waited + 3), 10_000, 250);
    const later = await waiting();
    expect(Math.abs(later.clock - later.delivered - later.waited)).toBeLessThanOrEqual(2);
    await shot(page, 'vi-cockpit');
    await page.context().close();
  });

  it('roles: a reviewer lands on the results, a trainee gets a plain "not for your role" page at /results', async () => {
    const reviewer = await newPage('vi');
    await signIn(reviewer, 'reviewer', '[data-testid=results-page]');
    expect(new URL(reviewer.url()).pathname).toBe('/results');
    await expect(reviewer.locator('body').innerText()).resolves.not.toMatch(/Không thuộc đội nào|Bài diễn tập của tôi/);
    expect(await reviewer.locator('nav a[href="/"]').count()).toBe(0);
    await shot(reviewer, 'vi-results-reviewer');
    await reviewer.context().close();

    const trainee = await newPage('vi');
    await signIn(trainee, 'trainee1', '[data-testid=lobby][data-loaded=true]');
    await trainee.goto(`${app.baseUrl}/results`);
    await trainee.locator('[data-testid=not-for-role]').waitFor();
    await expect(trainee.innerText('[data-testid=not-for-role]')).resolves.toMatch(/không dành cho vai trò của bạn[\s\S]*Học viên/);
    expect(await trainee.locator('[data-testid^=download-]').count()).toBe(0);
    await expect(trainee.locator('body').innerText()).resolves.not.toMatch(/FORBIDDEN/);
    await shot(trainee, 'vi-results-trainee');
    await trainee.goto(`${app.baseUrl}/results/exercises/${exercise.id}`);
    await trainee.locator('[data-testid=not-for-role]').waitFor();
    await trainee.context().close();
  });

  it('English: the same screens read as written, with singular and plural', async () => {
    const page = await newPage('en');
    await page.goto(`${app.baseUrl}/login`);
    await shot(page, 'en-login');
    await signIn(page, 'trainee1', '[data-testid=lobby][data-loaded=true]');
    await shot(page, 'en-lobby');
    await page.click('[data-testid=open-console]');
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor();
    await expect(page.locator('[data-testid=connection-state]').innerText()).resolves.toBe('Connected');
    await page.click(`[data-testid=alert-row][data-alert-id="${ref('ws-fim-new-phtml')}"]`);
    await expect(page.innerText('[data-testid=alert-time]')).resolves.toMatch(/^At 08:1\d:\d\d · received at 08:15:00 \(catch-up\)/);
    await shot(page, 'en-console-detail');
    await page.click('[data-testid=tab-incidents]');
    await page.locator('[data-testid=incident-response]').first().waitFor();
    await shot(page, 'en-console-incidents');
    await page.click('[data-testid=tab-activity]');
    await expect(page.locator('[data-testid=member-owns]').allInnerTexts()).resolves.toEqual(['Owns 1 alert', 'Owns no alert']);
    await shot(page, 'en-console-activity');
    await page.goto(`${app.baseUrl}/results`);
    await page.locator('[data-testid=not-for-role]').waitFor();
    await shot(page, 'en-results-trainee');
    await page.context().close();

    const cockpit = await newPage('en');
    await signIn(cockpit, 'instructor', '[data-testid=lobby][data-loaded=true]');
    await cockpit.goto(`${app.baseUrl}/exercises/${exercise.id}/cockpit`);
    await cockpit.locator('[data-testid=team-waiting]', { hasText: 'waiting' }).waitFor();
    await shot(cockpit, 'en-cockpit');
    await cockpit.context().close();

    const reviewer = await newPage('en');
    await signIn(reviewer, 'reviewer', '[data-testid=results-page]');
    await shot(reviewer, 'en-results-reviewer');
    await reviewer.context().close();
  });
});
