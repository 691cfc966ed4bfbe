import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import type { TeamState } from '../../src/contracts/triage.schema';
import { en as enDictionary } from '../../web/src/i18n/en';
import { vi as viDictionary } from '../../web/src/i18n/vi';
import { api, login, uploadFixture, userIds } from '../support/api';
import { alertRefsOf, expectEventually, startTestApp, type TestApp } from '../support/test-app';

/**
 * A drill that declares its response targets (tests/fixtures/scenarios/valid/constructs.yaml)
 * offers them in a searchable picker, grouped by kind with the author's labels; only block-ip
 * may be typed freely there. dist/web must be built first.
 */
const ROOT = resolve(__dirname, '..', '..');
const WEB_DIST = join(ROOT, 'dist', 'web');
const SHOTS = join(ROOT, 'tests', 'output', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';

jest.setTimeout(120_000);

describe('response target picker in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let instructor: string;
  let exercise: ExerciseDto;
  let ref: (eventId: string) => string;

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST}/index.html missing: run \`npm run build:web\` first`);
    mkdirSync(SHOTS, { recursive: true });
    app = await startTestApp({ WEB_DIST_DIR: WEB_DIST, PASSWORD_SCRYPT_LOG2N: '10' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    instructor = await login(app.baseUrl, 'instructor');
    const ids = await userIds(app.baseUrl, await login(app.baseUrl, 'admin'));
    const created = await api<ExerciseDto>(app.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: await uploadFixture(app.baseUrl, instructor, 'constructs.yaml'),
      teams: [
        { name: 'Đội Xanh', memberIds: [ids.trainee1] },
        { name: 'Đội Đỏ', memberIds: [ids.trainee2] },
      ],
      seed: 9,
    });
    expect(created.status).toBe(201);
    exercise = created.body;
    ref = await alertRefsOf(app, exercise.id);
    expect((await api(app.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`)).status).toBe(200);
    expect((await api(app.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 7 * 60_000 })).status).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function openConsole(user: string, lang: 'vi' | 'en'): Promise<{ page: Page; close: () => Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: lang === 'vi' ? 'vi-VN' : 'en-GB' });
    await context.addInitScript((l) => localStorage.setItem('socdrill.lang', l), lang);
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/login`);
    await page.fill('input[name=username]', user);
    await page.fill('input[name=password]', 'socdrill-demo');
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=lobby][data-loaded=true]');
    await page.goto(`${app.baseUrl}/exercises/${exercise.id}/console`);
    await page.waitForSelector('[data-testid=connection-state][data-state=connected]');
    await page.locator(`[data-testid=alert-row][data-alert-id="${ref('a-webshell')}"]`).click();
    await page.click('[data-testid=menu-response]');
    return { page, close: () => context.close() };
  }

  async function chooseAction(page: Page, label: string): Promise<void> {
    await page.click('[data-testid=response-action]');
    await page.getByRole('option', { name: label, exact: true }).first().click();
  }

  it.each([
    ['vi', 'trainee1'],
    ['en', 'trainee2'],
  ] as const)('%s: searches the offered files, refuses what is not offered, and lets block-ip be typed', async (lang, user) => {
    const d = lang === 'vi' ? viDictionary : enDictionary;
    const { page, close } = await openConsole(user, lang);
    const token = await login(app.baseUrl, user);

    // remove-webshell offers assets and files (grouped), searchable by value and label.
    await chooseAction(page, d.response.actions['remove-webshell']);
    await page.click('[data-testid=response-target]');
    await page.fill('[data-testid=response-target]', lang === 'vi' ? 'tải lên' : 'upload');
    const options = page.getByRole('option');
    await expectEventually(
      async () =>
        expect(await options.allInnerTexts()).toEqual([
          `/var/www/html/uploads/shell.php — ${lang === 'vi' ? 'Tệp mới trong thư mục tải lên' : 'New file in the upload folder'}`,
        ]),
      5000,
      100,
    );
    await page.screenshot({ path: join(SHOTS, `${lang}-target-picker-search.png`) });
    await page.fill('[data-testid=response-target]', '');
    await expectEventually(
      async () => {
        const text = await page.locator('.mantine-Select-dropdown:visible', { hasText: 'cms-code' }).innerText();
        expect(text).toContain(d.response.targetKinds.asset);
        expect(text).toContain(d.response.targetKinds.file);
        expect(text).toContain('cms-code');
      },
      5000,
      100,
    );
    await page.screenshot({ path: join(SHOTS, `${lang}-target-picker-groups.png`) });
    await page.fill('[data-testid=response-target]', 'shell');
    await page.getByRole('option', { name: /shell\.php/ }).click();
    await page.click('[data-testid=response-submit]');
    await expectEventually(
      async () =>
        expect(
          (await api<TeamState>(app.baseUrl, token, 'GET', `/exercises/${exercise.id}/state`)).body.responses.map((r) => [r.action, r.target]),
        ).toContainEqual(['remove-webshell', '/var/www/html/uploads/shell.php']),
      5000,
      100,
    );

    // block-domain: pick only; a domain not offered finds nothing and cannot be typed in.
    await chooseAction(page, d.response.actions['block-domain']);
    await page.click('[data-testid=response-target]');
    await page.fill('[data-testid=response-target]', 'evil.example');
    await page.getByText(d.form.noTarget).waitFor();
    await page.screenshot({ path: join(SHOTS, `${lang}-target-picker-nothing.png`) });
    await page.keyboard.press('Escape');
    expect(await page.locator('[data-testid=response-submit]').isDisabled()).toBe(true);

    // block-ip is free text in this drill: a typed address goes through.
    await chooseAction(page, d.response.actions['block-ip']);
    await page.fill('[data-testid=response-target]', '192.0.2.44');
    await page.keyboard.press('Escape');
    await page.click('[data-testid=response-submit]');
    await expectEventually(
      async () =>
        expect(
          (await api<TeamState>(app.baseUrl, token, 'GET', `/exercises/${exercise.id}/state`)).body.responses.map((r) => [r.action, r.target]),
        ).toContainEqual(['block-ip', '192.0.2.44']),
      5000,
      100,
    );
    await close();
  });
});
