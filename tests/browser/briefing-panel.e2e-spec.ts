import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import { parseScenario } from '../../src/scenarios/scenario-parser';
import { en as enDictionary } from '../../web/src/i18n/en';
import { vi as viDictionary } from '../../web/src/i18n/vi';
import { api, login, uploadFixture, userIds } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The console's briefing tab shows the organisers' briefing of the exercise's own scenario version,
 * never the instructor's description, the seed or the timeline's size. dist/web must be built first.
 */
const ROOT = resolve(__dirname, '..', '..');
const WEB_DIST = join(ROOT, 'dist', 'web');
const SHOTS = join(ROOT, 'tests', 'output', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const SEED = 'seed-panel-31337';

jest.setTimeout(60_000);

const flagship = (() => {
  const result = parseScenario(readFileSync(join(ROOT, 'scenarios', 'portal-defacement.yaml')));
  if (!result.ok) throw new Error('portal-defacement.yaml is invalid');
  return result.scenario;
})();

describe('console briefing tab in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let instructor: string;
  let ids: Record<string, string>;

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST}/index.html missing: run \`npm run build:web\` first`);
    mkdirSync(SHOTS, { recursive: true });
    app = await startTestApp({ LOAD_BUNDLED_SCENARIOS: 'true', SCENARIOS_DIR: join(ROOT, 'scenarios'), WEB_DIST_DIR: WEB_DIST, PASSWORD_SCRYPT_LOG2N: '10' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    instructor = await login(app.baseUrl, 'instructor');
    ids = await userIds(app.baseUrl, await login(app.baseUrl, 'admin'));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function exercise(versionId: string, era: 'pre-2025' | '2025'): Promise<ExerciseDto> {
    const created = await api<ExerciseDto>(app.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: versionId,
      teams: [{ name: 'Đội Xanh', memberIds: [ids.trainee1] }],
      seed: SEED,
      era,
    });
    expect(created.status).toBe(201);
    return created.body;
  }

  async function openBriefing(exerciseId: string, lang: 'vi' | 'en'): Promise<{ page: Page; text: string; close: () => Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: lang === 'vi' ? 'vi-VN' : 'en-GB' });
    await context.addInitScript((l) => localStorage.setItem('socdrill.lang', l), lang);
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/login`);
    await page.fill('input[name=username]', 'trainee1');
    await page.fill('input[name=password]', 'socdrill-demo');
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=lobby][data-loaded=true]');
    await page.goto(`${app.baseUrl}/exercises/${exerciseId}/console`);
    await page.click('[data-testid=tab-briefing]');
    await page.waitForSelector('[data-testid=briefing-organisers]');
    return { page, text: await page.locator('body').innerText(), close: () => context.close() };
  }

  it("shows the organisers' briefing, parties named for the era, and no description or seed", async () => {
    const list = await api<Array<{ scenarioId: string; versionId: string }>>(app.baseUrl, instructor, 'GET', '/scenarios');
    const ex = await exercise(list.body.find((s) => s.scenarioId === 'portal-defacement')!.versionId, 'pre-2025');
    const briefing = flagship.briefing!;
    for (const lang of ['vi', 'en'] as const) {
      const { page, text, close } = await openBriefing(ex.id, lang);
      await page.screenshot({ path: join(SHOTS, `${lang}-briefing-tab.png`), fullPage: true });
      const dictionary = lang === 'vi' ? viDictionary : enDictionary;
      for (const heading of [
        dictionary.briefing.situation,
        dictionary.briefing.role,
        dictionary.briefing.rules,
        dictionary.briefing.channels,
        dictionary.briefing.contacts,
      ])
        expect(text).toContain(heading);
      expect(text).toContain(briefing.situation[lang]);
      expect(text).toContain(briefing.rulesOfEngagement[0]![lang]);
      expect(text).toContain(briefing.reportingChannels[0]!.use[lang]);
      // The national monitoring centre is NCSC before 2025, in the contacts as in the parties.
      expect(text).toContain(flagship.parties.find((p) => p.id === 'p-natmon')!.eraNames!['pre-2025']![lang]);
      expect(text).not.toContain(flagship.description[lang].slice(0, 60));
      expect(text).not.toContain(SEED);
      await close();
    }
  });

  it('says so when the scenario has no briefing, and still shows no description', async () => {
    const versionId = await uploadFixture(app.baseUrl, instructor, 'minimal.yaml');
    const minimal = parseScenario(readFileSync(join(ROOT, 'tests', 'fixtures', 'scenarios', 'valid', 'minimal.yaml')));
    if (!minimal.ok) throw new Error('minimal.yaml is invalid');
    const ex = await exercise(versionId, minimal.scenario.era);
    const { text, close } = await openBriefing(ex.id, 'vi');
    expect(text).toContain(viDictionary.briefing.none);
    expect(text).not.toContain(minimal.scenario.description.vi.slice(0, 40));
    await close();
  });
});
