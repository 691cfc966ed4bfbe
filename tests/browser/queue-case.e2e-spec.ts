import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import type { TeamState } from '../../src/contracts/triage.schema';
import { vi as viDictionary } from '../../web/src/i18n/vi';
import { en as enDictionary } from '../../web/src/i18n/en';
import { api, login, userIds } from '../support/api';
import { expectEventually, startTestApp, type TestApp } from '../support/test-app';

/**
 * The alert queue at SOC volume and the case panel, in Chromium at 1366×768, in both languages:
 * group the flagship's alerts by rule, close a group in bulk (one verdict recorded per alert), work
 * an incident's playbook tasks and notes, and post in the team channel.
 */
const ROOT = resolve(__dirname, '..', '..');
const WEB_DIST = join(ROOT, 'dist', 'web');
const SHOTS = join(ROOT, 'tests', 'output', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const VIEWPORT = { width: 1366, height: 768 };

jest.setTimeout(180_000);

describe('alert queue grouping, bulk close and case panel in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let ids: Record<string, string>;
  let instructor: string;

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST}/index.html missing: run \`npm run build:web\` first`);
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
    ids = await userIds(app.baseUrl, await login(app.baseUrl, 'admin'));
    instructor = await login(app.baseUrl, 'instructor');
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it.each(['vi', 'en'] as const)('groups, bulk-closes and works the case (%s)', async (lang) => {
    const dict = lang === 'vi' ? viDictionary : enDictionary;
    const list = await api<Array<{ scenarioId: string; versionId: string }>>(app.baseUrl, instructor, 'GET', '/scenarios');
    const versionId = list.body.find((s) => s.scenarioId === 'portal-defacement')!.versionId;
    const created = await api<ExerciseDto>(app.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: versionId,
      title: `Queue ${lang}`,
      teams: [{ name: 'Đội Xanh', memberIds: [ids.trainee1, ids.trainee2] }],
      speed: 1,
      seed: 5,
    });
    expect(created.status).toBe(201);
    const exId = created.body.id;
    expect((await api(app.baseUrl, instructor, 'POST', `/exercises/${exId}/start`)).status).toBe(200);
    expect((await api(app.baseUrl, instructor, 'POST', `/exercises/${exId}/seek`, { virtualMs: 100 * 60_000 })).status).toBe(200);
    const trainee = await login(app.baseUrl, 'trainee1');
    const state = async () => (await api<TeamState>(app.baseUrl, trainee, 'GET', `/exercises/${exId}/state`)).body;

    const context = await browser.newContext({ viewport: VIEWPORT, locale: lang === 'vi' ? 'vi-VN' : 'en-GB', reducedMotion: 'reduce' });
    await context.addInitScript((l) => localStorage.setItem('socdrill.lang', l), lang);
    const page: Page = await context.newPage();
    try {
      await page.goto(`${app.baseUrl}/login`);
      await page.fill('input[name=username]', 'trainee1');
      await page.fill('input[name=password]', 'socdrill-demo');
      await page.click('[data-testid=login-submit]');
      await page.waitForSelector('[data-testid=lobby][data-loaded=true]');
      await page.goto(`${app.baseUrl}/exercises/${exId}/console`);
      await expectEventually(async () => expect(await page.locator('[data-testid=alert-row]').count()).toBeGreaterThan(100), 30_000);

      // Group by rule: the scanner noise folds into a handful of rows with counts.
      await page.locator('[data-testid=queue-group-by]').getByText(dict.queueTools.groups.rule, { exact: true }).click();
      await page.waitForSelector('[data-testid=queue-group]');
      const groupRows = page.locator('[data-testid=queue-group]');
      const total = await page.locator('[data-testid=alert-row]').count();
      expect(total).toBe(0);
      const groupCount = await groupRows.count();
      expect(groupCount).toBeGreaterThan(3);
      const counts = await page.locator('[data-testid=queue-group-count]').allInnerTexts();
      expect(Number(counts[0])).toBeGreaterThan(1);
      await page.screenshot({ path: join(SHOTS, `queue-groups-${lang}.png`) });

      // Search narrows the groups to the WAF scanner rules.
      await page.fill('[data-testid=queue-search]', 'OWASP CRS');
      await expectEventually(async () => expect(await groupRows.count()).toBeLessThan(groupCount));
      const crsKey = await groupRows.first().getAttribute('data-group-key');
      const crsSize = Number((await page.locator('[data-testid=queue-group-count]').first().innerText()).trim());
      expect(crsKey).toMatch(/^rule:OWASP CRS/);

      // Open the group, then close it in bulk with one reason.
      await groupRows.first().locator('[data-testid=queue-group-show]').click();
      await expectEventually(async () => expect(await page.locator('[data-testid=alert-row]').count()).toBe(crsSize));
      const groupIds = await page.locator('[data-testid=alert-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-alert-id')!));
      await page.click('[data-testid=queue-close-group]');
      await page.fill('[data-testid=close-group-reason]', lang === 'vi' ? 'Máy quét Internet, WAF đã chặn' : 'Internet scanner, blocked by the WAF');
      await page.screenshot({ path: join(SHOTS, `queue-bulk-close-${lang}.png`) });
      await page.click('[data-testid=close-group-submit]');
      await page.waitForSelector('[data-testid=bulk-recorded]');
      const closed = await state();
      for (const id of groupIds) expect(closed.alerts[id]?.verdict).toBe('false-positive');
      await expectEventually(async () => expect(await page.locator('[data-testid=alert-row][data-status=closed]').count()).toBe(crsSize));

      // Save the filter, clear, and load it back.
      await page.fill('[data-testid=queue-save-name]', 'CRS');
      await page.click('[data-testid=queue-save]');
      await page.fill('[data-testid=queue-search]', '');
      await page.locator('[data-testid=queue-group-by]').getByText(dict.queueTools.groups.none, { exact: true }).click();
      await expectEventually(async () => expect(await page.locator('[data-testid=alert-row]').count()).toBeGreaterThan(crsSize));

      // Case work: an incident, a playbook applied, a task ticked, a note.
      expect(
        (
          await api(app.baseUrl, trainee, 'POST', `/exercises/${exId}/actions`, {
            actionId: crypto.randomUUID(),
            exerciseId: exId,
            type: 'incident.create',
            title: lang === 'vi' ? 'Cổng TTĐT bị cài webshell' : 'Portal web shell',
            alertIds: [],
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await api(app.baseUrl, trainee, 'POST', `/exercises/${exId}/actions`, {
            actionId: crypto.randomUUID(),
            exerciseId: exId,
            type: 'incident.observable',
            incidentId: 'INC-1',
            observable: { type: 'ip', value: '203.0.113.66' },
          })
        ).status,
      ).toBe(200);
      for (const body of [
        { type: 'incident.update', incidentId: 'INC-1', assets: ['web-01'] },
        { type: 'response', action: 'isolate-host', target: 'web-01', incidentId: 'INC-1' },
      ]) {
        expect(
          (await api(app.baseUrl, trainee, 'POST', `/exercises/${exId}/actions`, { ...body, actionId: crypto.randomUUID(), exerciseId: exId })).status,
        ).toBe(200);
      }
      await page.click('[data-testid=tab-incidents]');
      await page.waitForSelector('[data-testid=case-work]');
      await page.click('[data-testid=case-playbook]');
      await page
        .getByRole('option', { name: lang === 'vi' ? /webshell/ : /web shell/ })
        .first()
        .click();
      await page.click('[data-testid=case-playbook-apply]');
      await expectEventually(async () => expect(await page.locator('[data-testid=case-task]').count()).toBe(8), 15_000);
      // A controlled checkbox: it shows the server's state once the action is recorded.
      await page.locator('[data-testid=case-task-done]').first().click();
      await expectEventually(async () => expect(await page.locator('[data-testid=case-task][data-done=true]').count()).toBe(1), 15_000);
      await page.mouse.move(0, 0);
      // The 'recorded' toasts go after 4 s; the screenshot shows the panel, not them.
      await page.locator('[data-testid=action-recorded]').last().waitFor({ state: 'detached', timeout: 15_000 });
      await page.screenshot({ path: join(SHOTS, `case-tasks-${lang}.png`) });
      await page.click('[data-testid=case-tab-iocs]');
      await page.waitForSelector('[data-testid=case-ioc]');
      await page.screenshot({ path: join(SHOTS, `case-iocs-${lang}.png`) });
      await page.click('[data-testid=case-tab-notes]');
      await page.fill('[data-testid=case-note-field]', lang === 'vi' ? 'Đã xác minh tệp lạ trong web root' : 'Unknown file confirmed in the web root');
      await page.click('[data-testid=case-note-add]');
      await page.waitForSelector('[data-testid=case-note]');
      await page.locator('[data-testid=action-recorded]').last().waitFor({ state: 'detached', timeout: 15_000 });
      await page.screenshot({ path: join(SHOTS, `case-notes-${lang}.png`) });
      await page.click('[data-testid=case-tab-containment]');
      await page.waitForSelector('[data-testid=case-asset][data-target=web-01]');
      expect(await page.locator('[data-testid=case-asset][data-target=web-01]').innerText()).toContain(dict.response.actions['isolate-host']);
      await page.screenshot({ path: join(SHOTS, `case-containment-${lang}.png`) });
      const incident = (await state()).incidents['INC-1']!;
      expect(incident.tasks.filter((x) => x.done)).toHaveLength(1);
      expect(incident.notes).toHaveLength(1);

      // The team channel.
      await page.click('[data-testid=tab-channel]');
      await page.fill('[data-testid=channel-field]', lang === 'vi' ? 'Bàn giao ca: nhóm WAF đã đóng, còn EDR' : 'Shift hand-over: WAF group closed, EDR left');
      await page.check('[data-testid=channel-handover]');
      await page.click('[data-testid=channel-send]');
      await page.waitForSelector('[data-testid=channel-message]');
      await page.mouse.move(0, 0);
      await page.locator('[data-testid=action-recorded]').last().waitFor({ state: 'detached', timeout: 15_000 });
      await page.screenshot({ path: join(SHOTS, `team-channel-${lang}.png`) });
      expect((await state()).messages).toHaveLength(1);
      // No raw i18n key on the screens used.
      const text = await page.locator('body').innerText();
      expect(text).not.toMatch(/\b(queueTools|caseWork|channel)\.[a-zA-Z]+/);

      // The instructors read the channel in the cockpit; the debrief shows it after the end.
      const staff = await browser.newContext({ viewport: VIEWPORT, locale: lang === 'vi' ? 'vi-VN' : 'en-GB', reducedMotion: 'reduce' });
      await staff.addInitScript((l) => localStorage.setItem('socdrill.lang', l), lang);
      const cockpit = await staff.newPage();
      try {
        await cockpit.goto(`${app.baseUrl}/login`);
        await cockpit.fill('input[name=username]', 'instructor');
        await cockpit.fill('input[name=password]', 'socdrill-demo');
        await cockpit.click('[data-testid=login-submit]');
        await cockpit.waitForSelector('[data-testid=lobby][data-loaded=true]');
        await cockpit.goto(`${app.baseUrl}/exercises/${exId}/cockpit`);
        const line = cockpit.locator('[data-testid=cockpit-channel-message]');
        await line.first().waitFor({ timeout: 20_000 });
        expect(await line.first().innerText()).toContain(lang === 'vi' ? 'Bàn giao ca' : 'Shift hand-over');
        await line.first().scrollIntoViewIfNeeded();
        await cockpit.screenshot({ path: join(SHOTS, `cockpit-channels-${lang}.png`) });
      } finally {
        await staff.close();
      }
      expect((await api(app.baseUrl, instructor, 'POST', `/exercises/${exId}/finish`)).status).toBe(200);
      await page.goto(`${app.baseUrl}/exercises/${exId}/review`);
      const channel = page.locator('[data-testid=review-channel]');
      await channel.waitFor({ timeout: 30_000 });
      expect(await channel.innerText()).toContain(lang === 'vi' ? 'Bàn giao ca' : 'Shift hand-over');
      await channel.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SHOTS, `review-channel-${lang}.png`) });
    } finally {
      await context.close();
      await api(app.baseUrl, instructor, 'POST', `/exercises/${exId}/finish`);
    }
  });
});
