import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { ExerciseDto, StreamEvent } from '../../src/contracts/exercise.schema';
import type { TeamState } from '../../src/contracts/triage.schema';
import { deliveryJitterMs } from '../../src/engine/compiled-scenario';
import { vi as viDictionary } from '../../web/src/i18n/vi';
import { api, login, userIds } from '../support/api';
import { alertRefsOf, expectEventually, startTestApp, type TestApp } from '../support/test-app';

/**
 * End-to-end tests of the web console: the real server (in-process, fresh database, bundled
 * scenarios) serves dist/web, and Debian's Chromium drives it through playwright-core.
 * dist/web must be built first (`npm test` does it; by hand: `npm run build:web`).
 */
const ROOT = resolve(__dirname, '..', '..');
const WEB_DIST = join(ROOT, 'dist', 'web');
const SHOTS = join(ROOT, 'tests', 'output', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const VIEWPORT = { width: 1366, height: 768 };
const TIMEOUT = 60_000;

jest.setTimeout(TIMEOUT);

describe('web console in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let ids: Record<string, string>;
  let instructorToken: string;
  let traineeExercise: ExerciseDto;
  let cockpitExerciseId: string;
  const dialogs: string[] = [];
  const cspViolations: string[] = [];
  /** Pages still open when a test ends (it failed before closing them): screenshot them for diagnosis. */
  const openPages = new Set<Page>();

  async function newPage(lang: 'vi' | 'en' = 'vi'): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: VIEWPORT, locale: lang === 'vi' ? 'vi-VN' : 'en-GB', reducedMotion: 'reduce' });
    await context.addInitScript((l) => {
      if (!localStorage.getItem('socdrill.lang')) localStorage.setItem('socdrill.lang', l);
    }, lang);
    const page = await context.newPage();
    openPages.add(page);
    context.on('close', () => openPages.delete(page));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    return { context, page };
  }

  async function uiLogin(page: Page, username: string): Promise<void> {
    await page.goto(`${app.baseUrl}/login`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', 'socdrill-demo');
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=lobby][data-loaded=true]');
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  }

  async function pickOption(page: Page, inputSelector: string, name: RegExp): Promise<void> {
    await page.click(inputSelector);
    await page.getByRole('option', { name }).first().click();
    await page.keyboard.press('Escape');
  }

  async function teamState(token: string, exerciseId: string): Promise<TeamState> {
    const response = await api<TeamState>(app.baseUrl, token, 'GET', `/exercises/${exerciseId}/state`);
    expect(response.status).toBe(200);
    return response.body;
  }

  /** Every key of the dictionary, e.g. "queue.title": i18next shows the key when a translation is missing. */
  const KEYS: string[] = [];
  (function collect(node: object, prefix: string) {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string') KEYS.push(`${prefix}${key}`);
      else collect(value as object, `${prefix}${key}.`);
    }
  })(viDictionary, '');

  /** Visible text must never show a raw i18n key (a missing translation). */
  async function expectNoRawKeys(page: Page): Promise<void> {
    const text = await page.locator('body').innerText();
    expect(KEYS.filter((key) => text.includes(key))).toEqual([]);
  }

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST}/index.html missing: run \`npm run build:web\` first`);
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get install -y chromium`);
    mkdirSync(SHOTS, { recursive: true });
    app = await startTestApp({ LOAD_BUNDLED_SCENARIOS: 'true', SCENARIOS_DIR: join(ROOT, 'scenarios'), WEB_DIST_DIR: WEB_DIST, PASSWORD_SCRYPT_LOG2N: '10' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const admin = await login(app.baseUrl, 'admin');
    ids = await userIds(app.baseUrl, admin);
    instructorToken = await login(app.baseUrl, 'instructor');
  });

  afterEach(async () => {
    let n = 0;
    for (const page of openPages) {
      n += 1;
      await page
        .screenshot({ path: join(SHOTS, `failed-${(expect.getState().currentTestName ?? 'test').replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}-${n}.png`) })
        .catch(() => undefined);
      await page
        .context()
        .close()
        .catch(() => undefined);
    }
    openPages.clear();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function flagshipVersionId(): Promise<string> {
    const list = await api<Array<{ scenarioId: string; versionId: string }>>(app.baseUrl, instructorToken, 'GET', '/scenarios');
    return list.body.find((s) => s.scenarioId === 'portal-defacement')!.versionId;
  }

  it('trainee: live alerts, triage, incident, response, report; survives reload and a dropped connection', async () => {
    const created = await api<ExerciseDto>(app.baseUrl, instructorToken, 'POST', '/exercises', {
      scenarioVersionId: await flagshipVersionId(),
      title: 'Diễn tập Cổng TTĐT – Đội Xanh',
      teams: [
        { name: 'Đội Xanh', memberIds: [ids.trainee1] },
        { name: 'Đội Đỏ', memberIds: [ids.trainee2] },
      ],
      speed: 1,
      seed: 7,
    });
    expect(created.status).toBe(201);
    traineeExercise = created.body;
    const exId = traineeExercise.id;
    const trainee = await login(app.baseUrl, 'trainee1');
    // The console names alerts by the exercise's opaque references.
    const assessment = (await alertRefsOf(app, exId))('l3-assessment-report');

    const { context, page } = await newPage('vi');
    await page.goto(`${app.baseUrl}/`);
    await page.waitForURL(/\/login$/);
    await shot(page, 'vi-login');
    await uiLogin(page, 'trainee1');
    await shot(page, 'vi-lobby-trainee');
    await page.click('[data-testid=open-console]');
    await page.waitForSelector('[data-testid=connection-state][data-state=connected]');
    expect(await page.locator('[data-testid=alert-row]').count()).toBe(0);

    // Alerts arrive live once the instructor starts the clock (the first one, due at T+0, a few seconds of delivery jitter later: skipped to).
    expect((await api(app.baseUrl, instructorToken, 'POST', `/exercises/${exId}/start`)).status).toBe(200);
    const firstDue = deliveryJitterMs(7, 'l3-assessment-report');
    if (firstDue > 0) expect((await api(app.baseUrl, instructorToken, 'POST', `/exercises/${exId}/seek`, { virtualMs: firstDue })).status).toBe(200);
    const first = page.locator(`[data-testid=alert-row][data-alert-id="${assessment}"]`);
    await first.waitFor();
    await page.waitForSelector('[data-testid=clock-status][data-status=running]');
    await first.click();
    await expect(page.locator('[data-testid=alert-title]').innerText()).resolves.toContain('Báo cáo kiểm tra');

    // Keyboard triage: a = take the alert, 1 = choose true positive, ctrl+enter = record it, shift+4 = critical.
    await page.keyboard.press('a');
    await page.locator('[data-testid=alert-owner]', { hasText: 'Tôi' }).waitFor();
    await page.keyboard.press('1');
    await page.keyboard.press('Control+Enter');
    await page.locator('[data-testid=current-verdict]', { hasText: 'Cảnh báo đúng' }).waitFor();
    await page.keyboard.press('Shift+Digit4');
    await expectEventually(async () => expect((await teamState(trainee, exId)).alerts[assessment]?.severity).toBe('critical'), 5000, 100);

    // Route to Layer 1 (the operator), then the four-layer board shows it in lane 1.
    await page.click('[data-testid=menu-route]');
    await pickOption(page, '[data-testid=route-parties]', /Trung tâm Chuyển đổi số/);
    await page.click('[data-testid=route-submit]');
    await page.locator('[data-testid=alert-routes]').waitFor();

    // Open an incident from the alert and isolate its host.
    await page.click('[data-testid=menu-incident]');
    await page.click('[data-testid=incident-create]');
    await page.locator('[data-testid=tab-incidents]', { hasText: '(1)' }).waitFor();
    await page.click('[data-testid=menu-response]');
    await pickOption(page, '[data-testid=response-action]', /Cô lập máy chủ/);
    await page.fill('[data-testid=response-target]', 'web-01');
    await page.keyboard.press('Escape');
    await page.click('[data-testid=response-submit]');
    await expectEventually(
      async () => expect((await teamState(trainee, exId)).responses.map((r) => [r.action, r.target])).toContainEqual(['isolate-host', 'web-01']),
      5000,
      100,
    );
    await shot(page, 'vi-console-alerts');

    await page.click('[data-testid=tab-board]');
    await page.locator('[data-testid=lane-1] [data-testid=board-item]').first().waitFor();
    await shot(page, 'vi-console-board');
    await page.click('[data-testid=tab-incidents]');
    await page.locator('[data-testid=incident-card]').first().waitFor();
    await shot(page, 'vi-console-incidents');
    // "Xuất STIX 2.1" on the incident card saves the incident as a STIX 2.1 bundle, TLP:AMBER unless chosen otherwise.
    const [stix] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=incident-export-stix]')]);
    expect(stix.suggestedFilename()).toMatch(/\.stix\.json$/);
    const bundle = JSON.parse(readFileSync((await stix.path())!, 'utf8')) as { type: string; objects: Array<{ type: string; id: string }> };
    expect(bundle.type).toBe('bundle');
    expect(bundle.objects[0]).toEqual(expect.objectContaining({ type: 'marking-definition', id: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421' }));
    expect(bundle.objects.map((o) => o.type)).toContain('report');

    // File the initial report (báo cáo ban đầu).
    await page.click('[data-testid=tab-reports]');
    await pickOption(page, '[data-testid=report-recipients]', /Văn phòng UBND/);
    await pickOption(page, '[data-testid=report-recipients]', /Công an tỉnh/);
    await page.fill('[data-testid=report-what]', 'Cổng TTĐT có lỗ hổng tải tệp chưa vá (CVE-2025-99001); đã cô lập web-01.');
    // The "recorded" toasts sit over the foot of the form and stay while the pointer rests on them: wait them out.
    await page.mouse.move(0, 0);
    await page.locator('[data-testid=action-recorded]').first().waitFor({ state: 'detached', timeout: 20_000 });
    await page.click('[data-testid=report-submit]');
    await page.locator('[data-testid=filed-reports] tr[data-kind=initial]').waitFor();
    await page.locator('[data-testid=deadlines] [data-testid=deadline]').first().waitFor();
    await shot(page, 'vi-console-reports');
    await page.click('[data-testid=tab-activity]');
    await page.locator('[data-testid=activity] tr').first().waitFor();
    await shot(page, 'vi-console-activity');
    await expectNoRawKeys(page);

    // A reload keeps the session (refresh token) and the derived state.
    await page.reload();
    await page.locator(`[data-testid=alert-row][data-alert-id="${assessment}"][data-status=closed]`).waitFor();
    await page.locator('[data-testid=tab-incidents]', { hasText: '(1)' }).waitFor();
    await page.click('[data-testid=tab-reports]');
    await page.locator('[data-testid=filed-reports] tr[data-kind=initial]').waitFor();
    await page.click('[data-testid=tab-alerts]');

    // Drop the network; alerts delivered meanwhile arrive after reconnecting, once each.
    await context.setOffline(true);
    await page.waitForSelector('[data-testid=connection-state][data-state=offline]');
    await shot(page, 'vi-console-offline');
    expect((await api(app.baseUrl, instructorToken, 'POST', `/exercises/${exId}/seek`, { virtualMs: 15 * 60_000 })).status).toBe(200);
    const delivered = await api<{ events: StreamEvent[] }>(app.baseUrl, trainee, 'GET', `/exercises/${exId}/events?limit=5000`);
    const expected = new Set(delivered.body.events.map((e) => (e.alert as { id: string }).id));
    expect(expected.size).toBeGreaterThan(2);
    await context.setOffline(false);
    await page.waitForSelector('[data-testid=connection-state][data-state=connected]');
    await expectEventually(async () => expect(await page.locator('[data-testid=alert-row]').count()).toBe(expected.size), 10_000, 100);
    const shown = await page.locator('[data-testid=alert-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-alert-id')));
    expect(new Set(shown)).toEqual(expected);
    expect(shown).toHaveLength(new Set(shown).size);
    await context.close();
  });

  it("trainee: a teammate's burst of actions refreshes the console at most once a second, and it ends current", async () => {
    const created = await api<ExerciseDto>(app.baseUrl, instructorToken, 'POST', '/exercises', {
      scenarioVersionId: await flagshipVersionId(),
      teams: [{ name: 'Đội Lam', memberIds: [ids.trainee1, ids.trainee3] }],
      speed: 1,
      seed: 11,
    });
    const exId = created.body.id;
    await api(app.baseUrl, instructorToken, 'POST', `/exercises/${exId}/start`);
    await api(app.baseUrl, instructorToken, 'POST', `/exercises/${exId}/seek`, { virtualMs: 20 * 60_000 });
    const ref = await alertRefsOf(app, exId);
    const teammate = await login(app.baseUrl, 'trainee3');

    const { context, page } = await newPage('vi');
    await uiLogin(page, 'trainee1');
    await page.goto(`${app.baseUrl}/exercises/${exId}/console`);
    await page.waitForSelector('[data-testid=connection-state][data-state=connected]');
    const target = page.locator(`[data-testid=alert-row][data-alert-id="${ref('ws-av-webshell')}"]`);
    await expect(target.getAttribute('data-status')).resolves.toBe('new');
    const stateReads: number[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === `/api/exercises/${exId}/state`) stateReads.push(Date.now());
    });

    // Thirty notes from the teammate, one every ~100 ms, then the alert taken: each reaches this
    // console in a team:actions batch; refetching the team state on each was 30 requests.
    const started = Date.now();
    for (let i = 0; i < 30; i++) {
      const note = await api(app.baseUrl, teammate, 'POST', `/exercises/${exId}/actions`, {
        actionId: crypto.randomUUID(),
        exerciseId: exId,
        type: 'alert.note',
        alertId: ref('ws-fim-new-phtml'),
        text: `ghi chú ${i}`,
      });
      expect(note.status).toBeLessThan(300);
      await new Promise((r) => setTimeout(r, 100));
    }
    const take = await api(app.baseUrl, teammate, 'POST', `/exercises/${exId}/actions`, {
      actionId: crypto.randomUUID(),
      exerciseId: exId,
      type: 'alert.acknowledge',
      alertId: ref('ws-av-webshell'),
    });
    expect(take.status).toBeLessThan(300);
    const elapsedMs = Date.now() - started;
    // The teammate's last action shows (after at most one throttle interval) ...
    await page.locator(`[data-testid=alert-row][data-alert-id="${ref('ws-av-webshell')}"][data-status=acknowledged]`).waitFor({ timeout: 5000 });
    // ... and the state was read about once a second, not once per batch.
    const during = stateReads.filter((at) => at <= started + elapsedMs + 1500);
    expect(during.length).toBeGreaterThanOrEqual(2);
    expect(during.length).toBeLessThanOrEqual(Math.ceil((elapsedMs + 1500) / 1000) + 1);
    await context.close();
  });

  it('instructor: creates an exercise from the flagship drill, starts it, changes speed, pauses, resumes', async () => {
    const { context, page } = await newPage('vi');
    await uiLogin(page, 'instructor');
    await page.getByRole('link', { name: 'Tạo bài diễn tập' }).first().click();
    await page.locator('[data-testid=create-scenario]').waitFor();
    await expectEventually(async () => expect(await page.inputValue('[data-testid=create-scenario]')).toContain('Cổng'), 5000, 100);
    // Instructors list their organisation's users to build teams (no 'forbidden' notice any more).
    expect(await page.locator('[data-testid=users-forbidden]').count()).toBe(0);
    await page.fill('[data-testid=create-title]', 'Diễn tập điều hành');
    await pickOption(page, '[data-testid=team-members]', /Học viên 1/);
    await shot(page, 'vi-create-exercise');
    await page.click('[data-testid=create-submit]');
    await page.waitForURL(/\/cockpit$/);
    cockpitExerciseId = page.url().split('/').at(-2)!;
    await page.locator('[data-testid=exercise-status]', { hasText: 'Bản nháp' }).waitFor();
    // The scenario's answer key as STIX 2.1, from the cockpit (instructors only).
    const [key] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=cockpit-export-ground-truth]')]);
    const answerKey = JSON.parse(readFileSync((await key.path())!, 'utf8')) as { objects: Array<{ type: string }> };
    expect(answerKey.objects.filter((o) => o.type === 'indicator').length).toBeGreaterThan(0);
    // Away from the button, so its tooltip no longer covers the clock controls.
    await page.mouse.move(0, 0);

    await page.click('[data-testid=control-start]');
    await page.waitForSelector('[data-testid=clock-status][data-status=running]');
    await page.fill('[data-testid=speed-input]', '50');
    await page.click('[data-testid=speed-apply]');
    await page.locator('[data-testid=clock-speed]', { hasText: '50' }).waitFor();
    await page.locator('[data-testid=team-events]').first().filter({ hasNotText: /^0$/ }).waitFor();
    await page.click('[data-testid=control-pause]');
    await page.waitForSelector('[data-testid=clock-status][data-status=paused]');
    const pausedAt = await page.innerText('[data-testid=clock-time]');
    await page.click('[data-testid=control-resume]');
    await page.waitForSelector('[data-testid=clock-status][data-status=running]');
    await expectEventually(async () => expect(await page.innerText('[data-testid=clock-time]')).not.toBe(pausedAt), 5000, 100);

    // The scoreboard moves when a team scores (or, without a scoring endpoint, the cockpit says so).
    await page.locator('[data-testid=score-row], [data-testid=no-scoring]').first().waitFor();
    if ((await page.locator('[data-testid=score-row]').count()) > 0) {
      const before = await page.innerText('[data-testid=score-total]');
      const trainee = await login(app.baseUrl, 'trainee1');
      // Trainees name alerts by the exercise's opaque references.
      const assessment = (await alertRefsOf(app, cockpitExerciseId))('l3-assessment-report');
      // It is due at T+0 but, like every scheduled alert, arrives up to 59 s later (delivery jitter).
      await expectEventually(
        async () => {
          const delivered = await api<{ events: Array<{ eventId: string }> }>(app.baseUrl, trainee, 'GET', `/exercises/${cockpitExerciseId}/events`);
          expect(delivered.body.events.map((e) => e.eventId)).toContain(assessment);
        },
        60_000,
        250,
      );
      for (const action of [
        { type: 'alert.verdict', alertId: assessment, verdict: 'true-positive' },
        { type: 'alert.severity', alertId: assessment, severity: 'high' },
        { type: 'route', target: { alertId: assessment }, to: ['p-operator'] },
      ]) {
        const ack = await api(app.baseUrl, trainee, 'POST', `/exercises/${cockpitExerciseId}/actions`, {
          ...action,
          actionId: crypto.randomUUID(),
          exerciseId: cockpitExerciseId,
        });
        expect([ack.status, ack.body]).toEqual([200, expect.anything()]);
      }
      await expectEventually(async () => expect(await page.innerText('[data-testid=score-total]')).not.toBe(before), 10_000, 100);
    }
    await shot(page, 'vi-cockpit');
    await expectNoRawKeys(page);
    await page.click('[data-testid=control-pause]'); // keeps the server quiet for the next tests
    await page.waitForSelector('[data-testid=clock-status][data-status=paused]');
    await context.close();
  });

  /** Values of the checked radios of a segmented control (none: nothing is selected). */
  async function chosen(page: Page, testId: string): Promise<string[]> {
    return page.locator(`[data-testid=${testId}] input[type=radio]:checked`).evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
  }

  /** The choice a key press makes shows after React re-renders. */
  async function expectChosen(page: Page, testId: string, values: string[]): Promise<void> {
    await expectEventually(async () => expect(await chosen(page, testId)).toEqual(values), 2000, 50);
  }

  it('trainee: the triage form starts empty, records only what was chosen, confirms it, resets, and carries nothing to the next alert', async () => {
    const created = await api<ExerciseDto>(app.baseUrl, instructorToken, 'POST', '/exercises', {
      scenarioVersionId: await flagshipVersionId(),
      title: 'Diễn tập biểu mẫu phân loại',
      teams: [{ name: 'Đội Lục', memberIds: [ids.trainee1, ids.trainee3] }],
      speed: 1,
      seed: 21,
    });
    expect(created.status).toBe(201);
    const exId = created.body.id;
    expect((await api(app.baseUrl, instructorToken, 'POST', `/exercises/${exId}/start`)).status).toBe(200);
    expect((await api(app.baseUrl, instructorToken, 'POST', `/exercises/${exId}/seek`, { virtualMs: 20 * 60_000 })).status).toBe(200);
    const ref = await alertRefsOf(app, exId);
    const trainee = await login(app.baseUrl, 'trainee1');
    const teammate = await login(app.baseUrl, 'trainee3');
    const [first, second, third] = [ref('l3-assessment-report'), ref('ws-fim-new-phtml'), ref('ws-av-webshell')];

    const { context, page } = await newPage('vi');
    await uiLogin(page, 'trainee1');
    await page.goto(`${app.baseUrl}/exercises/${exId}/console`);
    await page.waitForSelector('[data-testid=connection-state][data-state=connected]');
    const row = (id: string) => page.locator(`[data-testid=alert-row][data-alert-id="${id}"]`);
    const reason = page.locator('[data-testid=verdict-reason]');
    const submit = page.locator('[data-testid=verdict-submit]');
    await row(first).click();
    await page.locator('[data-testid=alert-detail]').waitFor();

    // A fresh alert: no verdict, severity, response action or target chosen; nothing to submit.
    expect(await chosen(page, 'verdict-control')).toEqual([]);
    expect(await chosen(page, 'severity-control')).toEqual([]);
    expect(await submit.isDisabled()).toBe(true);
    await page.click('[data-testid=menu-response]');
    expect(await page.inputValue('[data-testid=response-action]')).toBe('');
    expect(await page.inputValue('[data-testid=response-target]')).toBe('');
    expect(await page.locator('[data-testid=response-submit]').isDisabled()).toBe(true);
    await expect(page.locator('[data-testid=alert-owner]').getAttribute('data-owner')).resolves.toBe('none');
    await shot(page, 'vi-console-form-fresh');

    // Shortcuts choose without recording and never type into a field: 2 then 1 changes the
    // choice (the reason field does not grab the keys), r moves into the field without an "r".
    await page.keyboard.press('2');
    await expectChosen(page, 'verdict-control', ['false-positive']);
    await page.keyboard.press('1');
    await expectChosen(page, 'verdict-control', ['true-positive']);
    await page.keyboard.press('2');
    await expectChosen(page, 'verdict-control', ['false-positive']);
    expect(await reason.inputValue()).toBe('');
    await page.keyboard.press('r');
    await expectEventually(async () => expect(await reason.evaluate((el) => el === document.activeElement)).toBe(true), 2000, 50);
    await page.keyboard.type('Máy quét được phép của Sở');
    expect(await reason.inputValue()).toBe('Máy quét được phép của Sở');
    expect(await chosen(page, 'verdict-control')).toEqual(['false-positive']);
    expect((await teamState(trainee, exId)).alerts[first]?.verdict ?? null).toBeNull();

    // Another alert starts empty; coming back, the unrecorded choice is gone too.
    await row(second).click();
    await page.locator('[data-testid=alert-detail]').waitFor();
    expect(await chosen(page, 'verdict-control')).toEqual([]);
    expect(await reason.inputValue()).toBe('');
    expect(await submit.isDisabled()).toBe(true);
    await row(first).click();
    expect(await chosen(page, 'verdict-control')).toEqual([]);
    expect(await reason.inputValue()).toBe('');

    // Choose, record: a confirmation in words, the recorded verdict shows, the form is empty again.
    await page.keyboard.press('2');
    await expectChosen(page, 'verdict-control', ['false-positive']);
    await reason.click();
    await page.keyboard.type('Máy quét được phép của Sở');
    expect(await submit.isEnabled()).toBe(true);
    await submit.click();
    await page
      .getByText(/Đã ghi nhận: Kết luận .*Cảnh báo nhầm/)
      .first()
      .waitFor();
    await page.locator('[data-testid=current-verdict]', { hasText: 'Cảnh báo nhầm' }).waitFor();
    expect(await chosen(page, 'verdict-control')).toEqual([]);
    expect(await reason.inputValue()).toBe('');
    expect(await submit.isDisabled()).toBe(true);
    expect((await teamState(trainee, exId)).alerts[first]).toMatchObject({ verdict: 'false-positive', verdictReason: 'Máy quét được phép của Sở' });
    await shot(page, 'vi-console-form-recorded');

    // A clicked verdict segment takes no text: the digit keys stay shortcuts after it.
    await page.locator('[data-testid=verdict-control] label', { hasText: '2 · Cảnh báo nhầm' }).click();
    await expectChosen(page, 'verdict-control', ['false-positive']);
    await page.keyboard.press('3');
    await expectChosen(page, 'verdict-control', ['benign']);
    expect(await reason.inputValue()).toBe('');

    // A response: chosen action and target only; an invalid target is refused in words with its code.
    await pickOption(page, '[data-testid=response-action]', /Cô lập máy chủ/);
    await page.fill('[data-testid=response-target]', 'khong-co-may-nay');
    await page.keyboard.press('Escape');
    await page.click('[data-testid=response-submit]');
    await page
      .getByText(/mã lỗi: VALIDATION_FAILED/)
      .first()
      .waitFor();
    await page.fill('[data-testid=response-target]', 'web-01');
    await page.keyboard.press('Escape');
    await page.click('[data-testid=response-submit]');
    await page
      .getByText(/Đã ghi nhận: Hành động ứng phó · Cô lập máy chủ → web-01/)
      .first()
      .waitFor();
    expect(await page.inputValue('[data-testid=response-action]')).toBe('');
    expect(await page.inputValue('[data-testid=response-target]')).toBe('');
    expect((await teamState(trainee, exId)).responses.map((r) => [r.action, r.target])).toEqual([['isolate-host', 'web-01']]);

    // Ownership: a teammate's alert shows who owns it and locks verdict, severity and notes here.
    const take = await api(app.baseUrl, teammate, 'POST', `/exercises/${exId}/actions`, {
      actionId: crypto.randomUUID(),
      exerciseId: exId,
      type: 'alert.acknowledge',
      alertId: third,
    });
    expect(take.status).toBeLessThan(300);
    await row(third).click();
    await page.locator('[data-testid=alert-owner][data-owner=other]').waitFor();
    expect(await page.locator('[data-testid=verdict-control] input[type=radio]:not([disabled])').count()).toBe(0);
    expect(await page.locator('[data-testid=severity-control] input[type=radio]:not([disabled])').count()).toBe(0);
    expect(await reason.isDisabled()).toBe(true);
    await page.locator('[data-testid=takeover-button]').waitFor();
    await expect(page.innerText('[data-testid=ownership-rule]')).resolves.toMatch(/chỉ người đó ghi được kết luận/);
    await shot(page, 'vi-console-form-teammate');
    await expectNoRawKeys(page);

    // Aborted with trainees' scores hidden (the default): the end banner says so and shows no score, no error.
    expect((await api(app.baseUrl, instructorToken, 'POST', `/exercises/${exId}/abort`)).status).toBe(200);
    await page.locator('[data-testid=end-banner][data-reason=aborted]').waitFor();
    await expect(page.innerText('[data-testid=end-banner]')).resolves.toContain('Ban tổ chức đã hủy bài diễn tập.');
    expect(await page.locator('[data-testid=end-own-score], [data-testid=error]').count()).toBe(0);
    await context.close();
  });

  let endedExerciseId = '';

  it('instructor: finish asks for confirmation; after the end the console and the cockpit lock without a reload', async () => {
    const created = await api<ExerciseDto>(app.baseUrl, instructorToken, 'POST', '/exercises', {
      scenarioVersionId: await flagshipVersionId(),
      title: 'Diễn tập kết thúc gọn',
      teams: [{ name: 'Đội Cam', memberIds: [ids.trainee2] }],
      speed: 1,
      seed: 5,
      scoreVisibility: 'own',
    });
    expect(created.status).toBe(201);
    const exId = created.body.id;
    endedExerciseId = exId;
    expect((await api(app.baseUrl, instructorToken, 'POST', `/exercises/${exId}/start`)).status).toBe(200);
    expect((await api(app.baseUrl, instructorToken, 'POST', `/exercises/${exId}/seek`, { virtualMs: 10 * 60_000 })).status).toBe(200);
    const ref = await alertRefsOf(app, exId);

    const cockpit = await newPage('vi');
    await uiLogin(cockpit.page, 'instructor');
    await cockpit.page.goto(`${app.baseUrl}/exercises/${exId}/cockpit`);
    await cockpit.page.waitForSelector('[data-testid=clock-status][data-status=running]');
    const console_ = await newPage('vi');
    await uiLogin(console_.page, 'trainee2');
    await console_.page.goto(`${app.baseUrl}/exercises/${exId}/console`);
    await console_.page.waitForSelector('[data-testid=connection-state][data-state=connected]');
    await console_.page.locator(`[data-testid=alert-row][data-alert-id="${ref('l3-assessment-report')}"]`).click();
    await console_.page.locator('[data-testid=alert-detail]').waitFor();
    expect(await console_.page.locator('[data-testid=ack-button]').isEnabled()).toBe(true);
    // A marker that a reload would wipe.
    for (const page of [cockpit.page, console_.page]) await page.evaluate(() => Object.assign(window, { __sameDocument: true }));

    // Finish asks first and says what will happen; going back changes nothing.
    await cockpit.page.click('[data-testid=control-finish]');
    await cockpit.page.locator('[data-testid=end-confirm-body]').waitFor();
    await expect(cockpit.page.innerText('[data-testid=end-confirm-body]')).resolves.toMatch(/Điểm cuối.*lưu lại.*khóa.*Không thể hoàn tác/s);
    await shot(cockpit.page, 'vi-cockpit-confirm-finish');
    await cockpit.page.click('[data-testid=end-confirm-cancel]');
    await cockpit.page.locator('[data-testid=end-confirm-body]').waitFor({ state: 'detached' });
    expect((await api<ExerciseDto>(app.baseUrl, instructorToken, 'GET', `/exercises/${exId}`)).body.status).toBe('running');
    await cockpit.page.click('[data-testid=control-abort]');
    await expect(cockpit.page.innerText('[data-testid=end-confirm-body]')).resolves.toMatch(/Không tính, không lưu điểm cuối/);
    await cockpit.page.keyboard.press('Escape');
    await cockpit.page.locator('[data-testid=end-confirm-body]').waitFor({ state: 'detached' });
    expect((await api<ExerciseDto>(app.baseUrl, instructorToken, 'GET', `/exercises/${exId}`)).body.status).toBe('running');

    // Finished elsewhere (over REST): both pages lock from the live clock, without a reload.
    expect((await api(app.baseUrl, instructorToken, 'POST', `/exercises/${exId}/finish`)).status).toBe(200);
    const trainee = console_.page;
    await trainee.locator('[data-testid=end-banner][data-reason=finished]').waitFor();
    await expect(trainee.innerText('[data-testid=end-banner]')).resolves.toContain('Bài diễn tập đã kết thúc');
    for (const selector of ['ack-button', 'verdict-submit', 'verdict-reason', 'hint-request']) {
      expect([selector, await trainee.locator(`[data-testid=${selector}]`).isDisabled()]).toEqual([selector, true]);
    }
    // The response menu still opens its forms (to read them), but nothing in them can be sent.
    for (const [menu, selector] of [
      ['route', 'route-submit'],
      ['incident', 'incident-create'],
      ['response', 'response-submit'],
    ]) {
      if ((await trainee.locator(`[data-testid=section-${menu}]`).count()) === 0) await trainee.click(`[data-testid=menu-${menu}]`);
      expect([selector, await trainee.locator(`[data-testid=${selector}]`).isDisabled()]).toEqual([selector, true]);
    }
    expect(await trainee.locator('[data-testid=verdict-control] input[type=radio]:not([disabled])').count()).toBe(0);
    // The final totals, as the visibility ("own") lets the trainee see them.
    await trainee.locator('[data-testid=end-own-score]').waitFor({ timeout: 10_000 });
    await trainee.click('[data-testid=tab-reports]');
    expect(await trainee.locator('[data-testid=report-submit]').isDisabled()).toBe(true);
    await trainee.click('[data-testid=tab-alerts]');
    await shot(trainee, 'vi-console-ended');
    await expectNoRawKeys(trainee);

    const page = cockpit.page;
    await page.locator('[data-testid=cockpit-ended]').waitFor();
    for (const selector of [
      'control-pause',
      'control-resume',
      'control-finish',
      'control-abort',
      'speed-input',
      'speed-apply',
      'seek-time',
      'seek-apply',
      'seek-phase-apply',
      'inject-send',
      'overtime-switch',
    ]) {
      expect([selector, await page.locator(`[data-testid=${selector}]`).isDisabled()]).toEqual([selector, true]);
    }
    expect(await page.locator('[data-testid=inject-fieldset]').evaluate((el) => (el as HTMLFieldSetElement).disabled)).toBe(true);
    await shot(page, 'vi-cockpit-ended');
    await expectNoRawKeys(page);
    for (const p of [page, trainee]) expect(await p.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await cockpit.context.close();
    await console_.context.close();
  });

  it('the changed screens in English: empty triage form, end confirmation, ended console and cockpit, overtime option', async () => {
    const { context, page } = await newPage('en');
    await uiLogin(page, 'instructor');
    await page.getByRole('link', { name: 'New exercise' }).first().click();
    await page.locator('[data-testid=create-overtime]').waitFor();
    // Overtime is off unless the instructor turns it on.
    expect(await page.locator('[data-testid=create-overtime]').isChecked()).toBe(false);
    await shot(page, 'en-create-exercise');
    await expectNoRawKeys(page);
    await page.goto(`${app.baseUrl}/exercises/${endedExerciseId}/cockpit`);
    await page.locator('[data-testid=cockpit-ended]').waitFor();
    await page.locator('[data-testid=score-row], [data-testid=no-scoring]').first().waitFor();
    await shot(page, 'en-cockpit-ended');
    await expectNoRawKeys(page);
    await page.goto(`${app.baseUrl}/exercises/${cockpitExerciseId}/cockpit`);
    await page.waitForSelector('[data-testid=clock-status][data-status=paused]');
    await page.click('[data-testid=control-finish]');
    await page.locator('[data-testid=end-confirm-body]').waitFor();
    await shot(page, 'en-cockpit-confirm-finish');
    await page.click('[data-testid=end-confirm-cancel]');
    await context.close();

    const trainee = await newPage('en');
    await uiLogin(trainee.page, 'trainee2');
    await trainee.page.goto(`${app.baseUrl}/exercises/${endedExerciseId}/console`);
    await trainee.page.locator('[data-testid=end-banner]').waitFor();
    await trainee.page.locator('[data-testid=alert-row]').first().click();
    await trainee.page.locator('[data-testid=alert-detail]').waitFor();
    await shot(trainee.page, 'en-console-ended');
    await expectNoRawKeys(trainee.page);
    await trainee.context.close();
  });

  for (const lang of ['vi', 'en'] as const) {
    it(`main screens in ${lang === 'vi' ? 'Vietnamese' : 'English'}`, async () => {
      const words =
        lang === 'vi'
          ? { lobby: 'Bài diễn tập của tôi', library: 'Thư viện kịch bản', queue: 'Hàng đợi cảnh báo' }
          : { lobby: 'My exercises', library: 'Scenario library', queue: 'Alert queue' };
      const { context, page } = await newPage(lang);
      await uiLogin(page, 'instructor');
      await page.getByRole('heading', { name: words.lobby }).waitFor();
      await shot(page, `${lang}-lobby-instructor`);
      await page.goto(`${app.baseUrl}/scenarios`);
      await page.getByRole('heading', { name: words.library }).waitFor();
      await page.locator('[data-testid=scenario-row]').first().waitFor();
      await shot(page, `${lang}-scenario-library`);
      await expectNoRawKeys(page);
      await page.goto(`${app.baseUrl}/scenarios/portal-defacement`);
      await page.locator('[data-testid=scenario-timeline] tbody tr').first().waitFor();
      await shot(page, `${lang}-scenario-detail`);
      await page.goto(`${app.baseUrl}/scenarios/new`);
      await page.fill('[data-testid=scenario-source]', 'schemaVersion: 1\nid: Bad Id\nversion: one\n');
      await page.click('[data-testid=scenario-validate]');
      await page.locator('[data-testid=scenario-problems] tbody tr').first().waitFor();
      await shot(page, `${lang}-scenario-editor-problems`);
      await expectNoRawKeys(page);
      await page.goto(`${app.baseUrl}/exercises/${cockpitExerciseId}/cockpit`);
      await page.waitForSelector('[data-testid=clock-status][data-status=paused]');
      await page.locator('[data-testid=score-row], [data-testid=no-scoring]').first().waitFor();
      await shot(page, `${lang}-cockpit`);
      await expectNoRawKeys(page);
      await context.close();

      const trainee = await newPage(lang);
      await uiLogin(trainee.page, 'trainee1');
      await trainee.page.goto(`${app.baseUrl}/exercises/${traineeExercise.id}/console`);
      await trainee.page.getByText(words.queue).waitFor();
      await trainee.page.locator('[data-testid=alert-row]').first().click();
      await trainee.page.locator('[data-testid=alert-detail]').waitFor();
      await shot(trainee.page, `${lang}-console`);
      await trainee.page.keyboard.press('?');
      await trainee.page.getByRole('dialog').waitFor();
      await shot(trainee.page, `${lang}-console-shortcuts`);
      await expectNoRawKeys(trainee.page);
      await trainee.page.keyboard.press('Escape');
      await trainee.page.click('[data-testid=theme-switch]');
      await trainee.page.waitForFunction(() => document.documentElement.getAttribute('data-mantine-color-scheme') === 'light');
      await shot(trainee.page, `${lang}-console-light`);
      await trainee.context.close();
    });
  }

  it('renders scenario texts with HTML and script as plain text (no XSS)', async () => {
    const payloadImg = '<img src=x onerror=alert(1)>';
    const payloadScript = '<script>alert(2)</script>';
    const source = readFileSync(join(ROOT, 'tests', 'fixtures', 'scenarios', 'valid', 'minimal.yaml'), 'utf8')
      .replace('id: fixture-minimal', 'id: xss-probe')
      .replace('  vi: Kịch bản kiểm thử tối thiểu', `  vi: "Kịch bản ${payloadImg}"`)
      .replace('  en: Minimal test scenario', `  en: "Scenario ${payloadScript}"`)
      .replace('title: { vi: Tải lên tệp thực thi, en: Executable upload }', `title: { vi: "${payloadImg} Tải lên", en: "${payloadScript} upload" }`)
      .replace(
        'description: { vi: WAF phát hiện tải lên tệp .php, en: WAF saw a .php upload }',
        `description: { vi: "${payloadScript} WAF ${payloadImg}", en: "${payloadImg}" }`,
      );
    expect(source).toContain('xss-probe');

    const { context, page } = await newPage('vi');
    await uiLogin(page, 'instructor');
    await page.goto(`${app.baseUrl}/scenarios/new`);
    await page.fill('[data-testid=scenario-source]', source);
    await page.click('[data-testid=scenario-save]');
    await page.waitForURL(/\/scenarios\/xss-probe$/);
    await page.locator('[data-testid=scenario-title]', { hasText: payloadImg }).waitFor();
    await page.locator('[data-testid=scenario-timeline]', { hasText: `${payloadImg} Tải lên` }).waitFor();
    await shot(page, 'xss-scenario-detail');
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await context.close();

    // The same texts as a live alert in a trainee's console.
    const versions = await api<Array<{ versionId: string }>>(app.baseUrl, instructorToken, 'GET', '/scenarios/xss-probe/versions');
    const exercise = await api<ExerciseDto>(app.baseUrl, instructorToken, 'POST', '/exercises', {
      scenarioVersionId: versions.body[0]!.versionId,
      teams: [{ name: 'XSS', memberIds: [ids.trainee3] }],
    });
    expect((await api(app.baseUrl, instructorToken, 'POST', `/exercises/${exercise.body.id}/start`)).status).toBe(200);
    expect((await api(app.baseUrl, instructorToken, 'POST', `/exercises/${exercise.body.id}/seek`, { virtualMs: 6 * 60_000 })).status).toBe(200);
    const trainee = await newPage('vi');
    await uiLogin(trainee.page, 'trainee3');
    await trainee.page.goto(`${app.baseUrl}/exercises/${exercise.body.id}/console`);
    await trainee.page.locator(`[data-testid=alert-row][data-alert-id="${(await alertRefsOf(app, exercise.body.id))('a-exploit')}"]`).click();
    await trainee.page.locator('[data-testid=alert-title]', { hasText: `${payloadImg} Tải lên` }).waitFor();
    await trainee.page.locator('[data-testid=alert-description]', { hasText: payloadScript }).waitFor();
    await shot(trainee.page, 'xss-console');
    expect(await trainee.page.locator('img[src="x"]').count()).toBe(0);
    expect(await trainee.page.evaluate(() => document.querySelectorAll('script:not([src])').length)).toBe(0);
    await trainee.context.close();
    expect(dialogs).toEqual([]);
    // The strict CSP (no inline script, no eval) held for the whole run.
    expect(cspViolations).toEqual([]);
  });
});
