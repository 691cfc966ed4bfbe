import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import { api, login, userIds } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';
import { actOverRest } from '../triage/triage-support';

/**
 * The report form shows, for the chosen kind, the law: required recipients named for the era, the
 * legal basis in full and the time left; a filed report appears in its recipients' lanes of the
 * four-layer board; an instructor's revision request shows beside it. dist/web must be built first.
 */
const ROOT = resolve(__dirname, '..', '..');
const WEB_DIST = join(ROOT, 'dist', 'web');
const SHOTS = join(ROOT, 'tests', 'output', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';

jest.setTimeout(90_000);

describe('report form and the law, in a real browser (Vietnamese)', () => {
  let app: TestApp;
  let browser: Browser;
  let instructor: string;
  let exercise: ExerciseDto;

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
      teams: [{ name: 'Đội Xanh', memberIds: [ids.trainee1] }],
      seed: 'report-law-1',
      era: 'pre-2025',
    });
    expect(created.status).toBe(201);
    exercise = created.body;
    expect((await api(app.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`)).status).toBe(200);
    // A notification copied to national monitoring (Lớp 4): the team has now recognised an incident.
    const trainee = await login(app.baseUrl, 'trainee1');
    const filed = await actOverRest(app.baseUrl, trainee, exercise.id, {
      actionId: randomUUID(),
      exerciseId: exercise.id,
      type: 'report.file',
      kind: 'notification',
      recipients: ['p-owner', 'p-specialised', 'p-vncert', 'p-natmon'],
      content: { whatHappened: 'Phát hiện tệp lạ trong thư mục web', affectedSystems: ['web-01'], iocs: [] },
    });
    expect(filed.data?.result).toEqual({ reportId: 'RPT-1' });
    const graded = await api(app.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/teams/${exercise.teams[0]!.id}/reports/RPT-1/grades`, {
      verdict: 'revision-requested',
      comment: 'Bổ sung cấp độ hệ thống.',
    });
    expect(graded.status).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows required recipients named for the era, the legal basis in full and the time left; the report sits in the Lớp 4 lane', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 1000 }, locale: 'vi-VN' });
    await context.addInitScript(() => localStorage.setItem('socdrill.lang', 'vi'));
    const page = await context.newPage();
    try {
      await page.goto(`${app.baseUrl}/login`);
      await page.fill('input[name=username]', 'trainee1');
      await page.fill('input[name=password]', 'socdrill-demo');
      await page.click('[data-testid=login-submit]');
      await page.waitForSelector('[data-testid=lobby][data-loaded=true]');
      await page.goto(`${app.baseUrl}/exercises/${exercise.id}/console`);
      await page.click('[data-testid=tab-reports]');
      // The form opens on "Báo cáo ban đầu": its clock runs from the team's own detection.
      const law = page.locator('[data-testid=report-law]');
      await law.locator('[data-testid=report-law-rule][data-status=open]').waitFor();
      const text = await law.innerText();
      expect(text).toContain('Yêu cầu theo quy định — Báo cáo ban đầu');
      expect(text).toContain('Nơi nhận bắt buộc');
      expect(text).toContain('Sở Thông tin và Truyền thông tỉnh Lâm Sơn'); // the pre-2025 specialised unit
      expect(text).toContain('VNCERT/CC');
      expect(text).not.toContain('Công an tỉnh Lâm Sơn');
      expect(text).toContain('Nội dung bắt buộc');
      expect(text).toContain('Dấu hiệu nhận biết (IoC)');
      expect(text).toContain('TT 20/2017/TT-BTTTT Điều 9 và QĐ 05/2017/QĐ-TTg Điều 11: báo cáo ban đầu theo mẫu');
      expect(await law.locator('[data-testid=report-law-countdown]').innerText()).toMatch(/^Thời gian còn lại: \d\d:\d\d/);
      await law.locator('[data-testid=report-law-add-recipients]').click();
      expect(await page.locator('[data-testid=report-recipients]').evaluate((el) => el.closest('.mantine-MultiSelect-root')?.textContent ?? '')).toContain(
        'Sở Thông tin và Truyền thông',
      );
      // The filed notification: the instructor's revision request and comment beside it.
      const filed = page.locator('[data-testid=filed-reports] tr[data-kind=notification]');
      await filed.locator('[data-testid=report-grade][data-verdict=revision-requested]').waitFor();
      expect(await filed.innerText()).toContain('Bổ sung cấp độ hệ thống.');
      await page.screenshot({ path: join(SHOTS, 'vi-report-law.png'), fullPage: true });

      await page.click('[data-testid=tab-board]');
      const lane4 = page.locator('[data-testid=lane-4] [data-testid=board-item][data-kind=report]');
      await lane4.waitFor();
      expect(await lane4.innerText()).toContain('Thông báo sự cố');
      expect(await page.locator('[data-testid=lane-other] [data-testid=board-item][data-kind=report]').count()).toBe(3);
    } finally {
      await context.close();
    }
  });
});
