import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { ExerciseDto, StreamEvent } from '../../src/contracts/exercise.schema';
import type { Scenario } from '../../src/contracts/scenario.schema';
import type { ActionAck } from '../../src/contracts/triage.schema';
import { alertRef } from '../../src/exercises/alert-refs';
import { parseScenario } from '../../src/scenarios/scenario-parser';
import { en as enDictionary } from '../../web/src/i18n/en';
import { vi as viDictionary } from '../../web/src/i18n/vi';
import { api, login, StreamClient, userIds } from '../support/api';
import { expectEventually, startTestApp, type TestApp } from '../support/test-app';
import { sql } from '../support/test-database';

/** A seed no response could contain by chance: trainees must never learn it. */
const SEED = 'sd-Qz7wK93xTr';

const scenariosDir = join(__dirname, '..', '..', 'scenarios');
const bundled = readdirSync(scenariosDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((file) => {
    const result = parseScenario(readFileSync(join(scenariosDir, file)));
    if (!result.ok) throw new Error(`${file} is invalid`);
    return result.scenario;
  });

/** Distinctive strings that only the answer key, the triggers or the future of the run contain. */
function secretsOf(scenario: Scenario, deliveredIds: ReadonlySet<string>, deliveredTexts: ReadonlySet<string>): Map<string, string> {
  const secrets = new Map<string, string>();
  const add = (what: string, value: string | undefined) => {
    if (value && value.length >= 6 && ![...deliveredTexts].some((text) => text.includes(value))) secrets.set(value, what);
  };
  for (const alert of [...scenario.timeline, ...scenario.injects]) {
    add(`rationale of ${alert.id}`, alert.answer.rationale?.vi);
    add(`rationale of ${alert.id}`, alert.answer.rationale?.en);
    if (!deliveredIds.has(alert.id)) {
      add('undelivered alert id', alert.id);
      add(`title of undelivered ${alert.id}`, alert.title.vi);
      add(`title of undelivered ${alert.id}`, alert.title.en);
    }
  }
  for (const trigger of scenario.triggers) {
    add('trigger id', trigger.id);
    add('trigger description', trigger.description.vi);
    add('trigger description', trigger.description.en);
  }
  for (const incident of scenario.incidents) {
    add('key incident title', incident.title.vi);
    add('key incident title', incident.title.en);
    add('key incident rationale', incident.rationale?.vi);
  }
  for (const response of scenario.responses) add('expected response', response.description.en);
  for (const harm of scenario.harmful) add('harmful action reason', harm.reason.en);
  for (const hint of scenario.hints) {
    add('hint text', hint.text.en);
    add('hint text', hint.text.vi);
  }
  // Practice hints coach solo practice runs only: a graded drill's trainee never reads one.
  for (const hint of scenario.practiceHints ?? []) {
    add('practice hint id', hint.id);
    add('practice hint text', hint.text.en);
    add('practice hint text', hint.text.vi);
  }
  for (const sentence of descriptionSecrets(scenario)) add('instructor description', sentence);
  add('seed', SEED);
  // The author's event ids name the verdict (`ng-internet-scanners-2`, `a-webshell`): clients get
  // opaque references instead, for delivered alerts too.
  for (const id of internalEventIds(scenario)) add('internal event id', id);
  return secrets;
}

/** Every string of a scenario's trainee briefing (what trainees are meant to read). */
function briefingTexts(scenario: Scenario): string[] {
  const b = scenario.briefing;
  if (!b) return [];
  const texts = [b.situation, b.role, ...b.rulesOfEngagement, ...b.contacts.map((c) => c.role), ...b.reportingChannels.flatMap((c) => [c.name, c.use])];
  return texts.flatMap((t) => [t.vi, t.en]);
}

/** The instructor's description, whole and sentence by sentence: none of it is for trainees. */
function descriptionSecrets(scenario: Scenario): string[] {
  return [scenario.description.vi, scenario.description.en].flatMap((text) => [
    text,
    ...text.split(/(?<=[.;:])\s+/).filter((sentence) => sentence.length >= 30),
  ]);
}

/** Every id the engine may deliver an alert under: timeline, library injects (and their ids), generated noise. */
function internalEventIds(scenario: Scenario): string[] {
  const ids = [...scenario.timeline.map((a) => a.id), ...scenario.injects.map((i) => i.id), 'inject-1', 'inject-2'];
  for (const generator of scenario.noise) {
    ids.push(generator.id);
    for (let n = 1; n <= generator.count; n += 1) ids.push(`${generator.id}-${n}`);
  }
  return ids;
}

describe('answer-key secrecy: nothing a trainee can receive reveals the key or the future', () => {
  let t: TestApp;
  let instructor: string;
  let trainee: string;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ LOAD_BUNDLED_SCENARIOS: 'true', SCENARIOS_DIR: scenariosDir });
    instructor = await login(t.baseUrl, 'instructor');
    trainee = await login(t.baseUrl, 'trainee1');
    ids = await userIds(t.baseUrl, await login(t.baseUrl, 'admin'));
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(bundled.map((s) => [s.id, s] as const))('%s', async (_id, scenario) => {
    const list = await api<Array<{ scenarioId: string; versionId: string }>>(t.baseUrl, instructor, 'GET', '/scenarios');
    const versionId = list.body.find((s) => s.scenarioId === scenario.id)!.versionId;
    // Opened for practice too: the graded drill of the same version must still offer no practice hint.
    expect((await api(t.baseUrl, instructor, 'POST', '/practice/openings', { scenarioVersionId: versionId })).status).toBe(200);
    const created = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: versionId,
      teams: [
        { name: 'A', memberIds: [ids.trainee1] },
        { name: 'B', memberIds: [ids.trainee2] },
      ],
      speed: 1,
      seed: SEED,
      // The default is now 'none'; 'own' keeps the trainee's own score readable, so it is checked too.
      scoreVisibility: 'own',
    });
    const exerciseId = created.body.id;
    const teamA = created.body.teams[0]!.id;
    const socket = new StreamClient(t.baseUrl, trainee);
    const received: string[] = [];
    socket.socket.onAny((event: string, ...args: unknown[]) => received.push(`${event} ${JSON.stringify(args)}`));
    await socket.connected();
    received.push(JSON.stringify(await socket.emit('exercise:join', { exerciseId, lastSeq: 0 })));
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/start`);
    // Half the drill at once, as catch-up, so a good part of the key is "in the past" and the rest is not.
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/seek`, { virtualMs: Math.floor((scenario.duration * 1000) / 2) });
    // One library inject and one written on the spot: inject ids are internal too.
    if (scenario.injects[0])
      await api(t.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/injects`, { injectId: scenario.injects[0].id, teamIds: [teamA] });
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/injects`, {
      teamIds: [teamA],
      alert: {
        layer: 2,
        sensor: 'siem',
        severity: 'medium',
        title: { vi: 'Cảnh báo bổ sung', en: 'Extra alert' },
        description: { vi: 'Do giảng viên tạo', en: 'Written by the instructor' },
      },
    });
    await expectEventually(() => expect((socket.events.get(teamA) ?? []).length).toBeGreaterThan(3));

    // Triage (over REST, the only path for actions), so states, recorded actions, acks and broadcasts are covered.
    const stream = socket.events.get(teamA)!;
    const [first, second, third, fourth] = stream.map((e) => e.eventId);
    const restAct = async (body: Record<string, unknown>) => {
      const sent = { ...body, actionId: randomUUID(), exerciseId };
      let response = await api<ActionAck>(t.baseUrl, trainee, 'POST', `/exercises/${exerciseId}/actions`, sent);
      // One trainee acts in every drill's case back to back: past the action rate limit, resend as the console does.
      for (let tries = 0; response.status === 429 && tries < 5; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        response = await api<ActionAck>(t.baseUrl, trainee, 'POST', `/exercises/${exerciseId}/actions`, sent);
      }
      received.push(`act ${response.status} ${JSON.stringify(response.body)}`);
      return response;
    };
    const ackedAct = async (body: Record<string, unknown>) => {
      const response = await restAct(body);
      return response.status === 200 ? { data: response.body } : (response.body as unknown as { data?: ActionAck; error?: { code: string } });
    };
    expect((await restAct({ type: 'alert.acknowledge', alertId: first })).status).toBe(200);
    expect((await ackedAct({ type: 'alert.severity', alertId: first, severity: 'high' })).data?.applied).toBe(true);
    expect((await ackedAct({ type: 'alert.verdict', alertId: first, verdict: 'true-positive' })).data?.applied).toBe(true);
    expect((await restAct({ type: 'alert.verdict', alertId: second, verdict: 'duplicate', duplicateOf: first })).status).toBe(200);
    expect((await ackedAct({ type: 'alert.verdict', alertId: third, verdict: 'false-positive', reason: 'quét thông thường' })).data?.applied).toBe(true);
    expect((await ackedAct({ type: 'route', target: { alertId: first }, to: [scenario.parties[0]!.id], escalate: false })).data?.applied).toBe(true);
    expect((await restAct({ type: 'incident.create', title: 'Sự cố', alertIds: [first, second] })).status).toBe(200);
    expect((await ackedAct({ type: 'incident.link', incidentId: 'INC-1', alertIds: [fourth] })).data?.applied).toBe(true);
    expect((await ackedAct({ type: 'alert.note', alertId: fourth, text: 'ghi chú' })).data?.applied).toBe(true);
    // A hint the team paid for is theirs to read.
    const bought: string[] = [];
    for (const hinted of [first, fourth]) {
      const text = (await ackedAct({ type: 'hint.request', for: { alertId: hinted } })).data?.result?.text as { vi: string; en: string } | undefined;
      if (text) bought.push(text.vi, text.en);
    }
    // A made-up reference, and a raw event id (which the reducer would know), are both just "not delivered".
    const db = t.app.get(DataSource);
    const rows = (await sql(db, 'SELECT event_id, payload FROM exercise_events WHERE exercise_id = ? AND team_id = ? ORDER BY seq', [
      exerciseId,
      teamA,
    ])) as Array<{ event_id: string; payload: string }>;
    for (const alertId of ['AL-000000000000', rows[0]!.event_id]) {
      // Not recorded: the answer may echo the id the probe itself sent.
      const probe = await api<{ error: { code: string } }>(t.baseUrl, trainee, 'POST', `/exercises/${exerciseId}/actions`, {
        type: 'alert.acknowledge',
        alertId,
        actionId: randomUUID(),
        exerciseId,
      });
      expect(probe.body.error.code).toBe('ALERT_NOT_DELIVERED');
    }
    await expectEventually(() =>
      expect(
        received.filter((r) => r.startsWith('team:actions')).reduce((n, r) => n + (JSON.parse(r.slice('team:actions '.length)) as unknown[][])[0]!.length, 0),
      ).toBeGreaterThanOrEqual(9),
    );
    // Practice hints on every delivered alert of a graded drill: refused before anything is looked up.
    for (const event of stream) {
      const asked = await api<{ error: { code: string } }>(t.baseUrl, trainee, 'POST', `/exercises/${exerciseId}/practice-hints`, { alertId: event.eventId });
      expect([asked.status, asked.body.error.code]).toEqual([403, 'PRACTICE_ONLY']);
      received.push(`practice-hints ${JSON.stringify(asked.body)}`);
    }
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/pause`);

    // Everything a trainee can ask for over REST about this exercise and scenario.
    const paths = [
      '/scenarios',
      `/scenarios/${scenario.id}`,
      '/exercises',
      `/exercises/${exerciseId}`,
      `/exercises/${exerciseId}/events?limit=5000`,
      `/exercises/${exerciseId}/state`,
      `/exercises/${exerciseId}/actions`,
      `/exercises/${exerciseId}/deadlines`,
      `/exercises/${exerciseId}/scoreboard`,
      `/exercises/${exerciseId}/teams/${teamA}/score`,
      `/exercises/${exerciseId}/teams/${teamA}/review`,
      `/exercises/${exerciseId}/briefing`,
      `/exercises/${exerciseId}/practice-hints`,
      '/practice',
      `/scenarios/${scenario.id}/versions`,
      `/scenarios/${scenario.id}/versions/${versionId}`,
      `/exercises/${exerciseId}/events?teamId=${created.body.teams[1]!.id}`,
    ];
    for (const path of paths) {
      const response = await api(t.baseUrl, trainee, 'GET', path);
      received.push(`${path} ${response.status} ${JSON.stringify(response.body)}`);
    }
    // Whatever the score visibility, the score views carry no seed and no key either.
    for (const visibility of ['own', 'rank', 'full'] as const) {
      expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/scoreboard`, { visibility })).status).toBe(200);
      for (const path of [`/exercises/${exerciseId}/scoreboard`, `/exercises/${exerciseId}/teams/${teamA}/score`, `/exercises/${exerciseId}`]) {
        const response = await api(t.baseUrl, trainee, 'GET', path);
        received.push(`${path} (${visibility}) ${response.status} ${JSON.stringify(response.body)}`);
      }
    }
    // The briefing is the organisers' text, and nothing else of the scenario.
    const briefing = await api<Record<string, unknown>>(t.baseUrl, trainee, 'GET', `/exercises/${exerciseId}/briefing`);
    expect(briefing.status).toBe(200);
    expect(Object.keys(briefing.body).sort()).toEqual([
      'assets',
      'briefing',
      'difficulty',
      'durationSeconds',
      'parties',
      // The response playbooks: standing procedure, public like the briefing (never which incident calls for which).
      'playbooks',
      // The targets the console offers in its picker: the author's list with its decoys, the same for every team.
      'responseTargets',
      'scenarioId',
      'target',
      'title',
      'version',
      'versionId',
      // The time of day at T+0, so the console shows times as the raw logs do: presentation, not the key.
      'wallClockStart',
    ]);
    expect(briefing.body.briefing).toEqual(scenario.briefing);
    // Exactly the declared choices and free-text actions, nothing of the key (which of them are right, or when).
    expect(briefing.body.responseTargets).toEqual(
      scenario.responseTargets === undefined ? null : { choices: scenario.responseTargets.choices, freeText: scenario.responseTargets.freeText },
    );
    for (const choice of (briefing.body.responseTargets as { choices: Array<Record<string, unknown>> } | null)?.choices ?? []) {
      expect(Object.keys(choice).filter((k) => !['kind', 'value', 'label'].includes(k))).toEqual([]);
    }
    // What was really delivered, from the event log (clients never see these ids).
    const all = (await sql(db, 'SELECT event_id, payload FROM exercise_events WHERE exercise_id = ? AND team_id = ? ORDER BY seq', [
      exerciseId,
      teamA,
    ])) as Array<{ event_id: string; payload: string }>;
    const delivered = all.map((r) => ({ eventId: r.event_id, alert: JSON.parse(r.payload) as { title: { vi: string; en: string } } }));
    expect(delivered.length).toBeGreaterThan(0);
    const deliveredIds = new Set(delivered.map((e) => e.eventId));
    // The stream names each of them by its reference, the same over the socket and REST.
    const [{ alert_salt: salt }] = (await sql(db, 'SELECT alert_salt FROM exercises WHERE id = ?', [exerciseId])) as Array<{ alert_salt: string }>;
    const refs = delivered.map((e) => alertRef(salt, e.eventId));
    expect(stream.map((e) => e.eventId)).toEqual(refs.slice(0, stream.length));
    expect(stream.map((e) => (e.alert as { id: string }).id)).toEqual(refs.slice(0, stream.length));
    const restEvents = (await api<{ events: StreamEvent[] }>(t.baseUrl, trainee, 'GET', `/exercises/${exerciseId}/events?limit=5000`)).body.events;
    expect(restEvents.map((e) => e.eventId)).toEqual(refs);
    // Nothing about where an event came from (timeline, noise, inject) reaches a client.
    // (A scenario's own origin, bundled or uploaded, is catalogue information and may appear.)
    expect([...stream, ...restEvents].filter((e) => 'origin' in e || 'injectId' in e)).toEqual([]);
    expect(received.join('\n')).not.toMatch(/"origin"\s*:\s*"(timeline|noise|inject)"|"injectId"\s*:/);
    // Texts that are public anyway: what was delivered, and the briefing (organisers' text, title, target, assets, parties).
    const publicTexts = [scenario.title, scenario.target.name, ...scenario.assets.map((a) => a.name), ...scenario.parties.map((p) => p.name)];
    const deliveredTexts = new Set([
      ...delivered.flatMap((e) => [e.alert.title.vi, e.alert.title.en]),
      ...publicTexts.flatMap((x) => [x.vi, x.en]),
      ...briefingTexts(scenario),
      ...bought,
    ]);
    const everything = received.join('\n');
    const leaks = [...secretsOf(scenario, deliveredIds, deliveredTexts)]
      .filter(([value]) => everything.includes(value))
      .map(([value, what]) => `${what}: ${value}`);
    expect(leaks).toEqual([]);
    expect(everything).not.toMatch(/"answer"\s*:|"triggers"\s*:|"harmful"\s*:|"rationale"\s*:|"practiceHints"\s*:/);
    // No seed (a score may say "seed": null), and no count that includes alerts not delivered yet (the timeline's size).
    expect(everything).not.toMatch(/"seed"\s*:\s*"|"eventCount"\s*:/);
    expect(everything).not.toContain(SEED);
    socket.close();
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/finish`);
  });
});

/** Words and stems that name each response action, beyond the console's labels (vi and en). */
const ACTION_WORDS: Record<string, readonly string[]> = {
  'isolate-host': ['cô lập', 'isolat', 'ngắt kết nối', 'disconnect'],
  'block-ip': ['chặn', 'block'],
  'block-domain': ['chặn', 'block'],
  'maintenance-page': ['bảo trì', 'maintenance', 'tạm dừng cổng', 'take the portal down', 'suspend'],
  'preserve-evidence': ['chứng cứ', 'evidence', 'thu thập, bảo toàn'],
  'remove-webshell': ['webshell', 'web shell'],
  'remove-malware': ['gỡ mã độc', 'remove malware', 'loại bỏ mã độc'],
  patch: ['vá', 'patch', 'cập nhật cms', 'update the cms'],
  'reset-credentials': ['đổi mật khẩu', 'mật khẩu', 'password', 'credential', 'reset'],
  'restore-backup': ['khôi phục', 'sao lưu', 'restore', 'backup'],
  'review-shared-code': ['rà soát', 'review', 'dùng chung mã nguồn', 'shared code', 'sharing the code'],
  'request-coordination': ['đề nghị điều phối', 'hỗ trợ ứng cứu', 'request coordination', 'coordination support', 'ask for coordination'],
  'heightened-monitoring': ['giám sát tăng cường', 'tăng cường giám sát', 'heightened monitoring'],
  reassessment: ['đánh giá lại', 'kiểm tra lại', 're-test', 'retest', 'reassess', 're-assess'],
  'rate-limit': ['giới hạn truy cập', 'rate limit', 'rate-limit', 'chống ddos', 'lọc lưu lượng', 'scrubbing', 'filtering'],
  'disable-account': ['khóa tài khoản', 'khoá tài khoản', 'vô hiệu hóa', 'vô hiệu hoá', 'disable'],
};

/** A time in the drill: "T+40m", "40 phút", "before minute 35", "1h". */
const TIME_HINT = /T\s*\+\s*\d|\d+\s*(?:phút|giờ|minutes?|mins?|hours?|[hms])(?![\p{L}\p{N}])|minute\s+\d|phút\s+thứ\s+\d/iu;

const words = (text: string) =>
  text
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}.\-/]+/u)
    .map((w) => w.replace(/^[.\-/]+|[.\-/]+$/g, ''))
    .filter(Boolean);
const grams = (text: string, n: number) => {
  const list = words(text);
  return list.length < n ? [] : list.slice(0, list.length - n + 1).map((_, i) => list.slice(i, i + n).join(' '));
};
const containsPhrase = (text: string, phrase: string) =>
  new RegExp(`(?<![\\p{L}\\p{N}])${phrase.normalize('NFC').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'iu').test(text.normalize('NFC'));

describe('bundled briefings give nothing of the answer key away (lexical check against the key)', () => {
  it.each(bundled.map((s) => [s.id, s] as const))('%s', (_id, scenario) => {
    const texts = briefingTexts(scenario);
    expect(texts.length).toBeGreaterThan(0);
    const briefing = texts.join('\n');
    const found: string[] = [];

    // The key's response actions (expected and harmful): their ids, the console's labels and their usual wording, and their targets.
    const keyActions = [...scenario.responses, ...scenario.harmful];
    const labels = (dictionary: typeof viDictionary, action: string) => (dictionary.response.actions as Record<string, string>)[action]!.split(' / ');
    for (const { action, target } of keyActions) {
      const phrases = [
        action,
        ...labels(viDictionary, action),
        ...labels(enDictionary as typeof viDictionary, action),
        ...ACTION_WORDS[action]!,
        ...(target ? [target] : []),
      ];
      for (const phrase of phrases) if (containsPhrase(briefing, phrase)) found.push(`${action}: "${phrase}"`);
    }
    // The key's decision phrases: no run of five words shared with what the key says.
    // (Vietnamese words are single syllables: eight of them make about as long a phrase as five English words.)
    const keyTexts = [
      ...scenario.responses.map((r) => r.description),
      ...scenario.harmful.map((h) => h.reason),
      ...scenario.triggers.map((tr) => tr.description),
      ...scenario.hints.map((h) => h.text),
      ...scenario.incidents.flatMap((i) => [i.title, ...(i.rationale ? [i.rationale] : [])]),
      ...[...scenario.timeline, ...scenario.injects].flatMap((a) => (a.answer.rationale ? [a.answer.rationale] : [])),
    ];
    const own = scenario.briefing!;
    const ownTexts = [
      own.situation,
      own.role,
      ...own.rulesOfEngagement,
      ...own.contacts.map((c) => c.role),
      ...own.reportingChannels.flatMap((c) => [c.name, c.use]),
    ];
    for (const [language, n] of [
      ['vi', 8],
      ['en', 5],
    ] as const) {
      const keyGrams = new Set(keyTexts.flatMap((t) => grams(t[language], n)));
      for (const gram of new Set(ownTexts.flatMap((t) => grams(t[language], n)))) if (keyGrams.has(gram)) found.push(`key phrase: "${gram}"`);
    }
    // No sentence of the instructor's description, and no time.
    for (const sentence of descriptionSecrets(scenario)) if (briefing.includes(sentence)) found.push(`description: "${sentence}"`);
    for (const text of texts) if (TIME_HINT.test(text)) found.push(`time: "${TIME_HINT.exec(text)![0]}" in "${text}"`);
    expect(found).toEqual([]);
  });

  it('catches a briefing that hints at a decision', () => {
    const scenario = bundled.find((s) => s.id === 'portal-defacement')!;
    const leaky: Scenario = {
      ...scenario,
      briefing: {
        ...scenario.briefing!,
        rulesOfEngagement: [{ vi: 'Cô lập máy chủ cổng trước T+40 phút.', en: 'Put up a maintenance page before the defacement.' }],
      },
    };
    const texts = briefingTexts(leaky).join('\n');
    expect(containsPhrase(texts, 'cô lập')).toBe(true);
    expect(containsPhrase(texts, 'maintenance')).toBe(true);
    expect(TIME_HINT.test('Cô lập máy chủ cổng trước T+40 phút.')).toBe(true);
    expect(TIME_HINT.test('before minute 35')).toBe(true);
  });
});
