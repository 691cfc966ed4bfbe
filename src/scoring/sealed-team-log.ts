import type { RecordedAction } from '../contracts/triage.schema.js';
import type { TeamLog } from './exercise-log-reader.js';
import type { ScoringDeliveredEvent } from './score.js';
import { deliveredEvent } from './settlement.js';

/** Bumped whenever the layout below changes; a sealed log of another format is ignored (read from the rows again). */
export const SEALED_LOG_FORMAT = 2;

/**
 * A finished team's logs in one compact document: the journal's rows of one action each cost
 * SQLite a page walk, a string and a `JSON.parse` of ~460 bytes that repeat the exercise, team,
 * user name and action id; re-scoring 200 × 1,000 alerts spent seconds there. Here the same
 * records are columns of numbers with one table of distinct strings, which parses at several
 * times the speed and decodes without per-record parsing for the four action types that make up
 * nearly every log. Anything else (and any record a fast column could not reproduce exactly) is
 * kept as its own JSON: the encoding is lossless by construction, checked record by record.
 */
interface SealedBody {
  readonly format: number;
  readonly strings: string[];
  readonly users: Array<[string, string]>;
  /** Actions: concatenated 36-character action ids of the columnar records. */
  readonly ids: string;
  readonly type: number[];
  readonly seq: number[];
  readonly virtualMs: number[];
  /** wallMs − virtualMs: small and repetitive, where wallMs alone is 13 digits. */
  readonly wallDelta: number[];
  readonly user: number[];
  readonly a: number[];
  readonly b: number[];
  readonly c: number[];
  readonly d: number[];
  /** `late`: how long after it was due the team received it (0 unless caught up). */
  readonly events: { readonly id: number[]; readonly virtualMs: number[]; readonly origin: number[]; readonly inject: number[]; readonly late: number[] };
}

const enum Kind {
  Json = 0,
  Acknowledge = 1,
  Verdict = 2,
  Severity = 3,
  RouteAlert = 4,
}

const ORIGINS: readonly ScoringDeliveredEvent['origin'][] = ['timeline', 'noise', 'inject'];
const NONE = -1;
const ID_LENGTH = 36;

/** The columns of one record, before it is checked against the original. */
interface Columns {
  kind: Kind;
  a: number;
  b: number;
  c: number;
  d: number;
}

class StringTable {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  of(value: string): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(value);
      this.index.set(value, i);
    }
    return i;
  }
  optional(value: unknown): number {
    return typeof value === 'string' ? this.of(value) : NONE;
  }
}

function columnsOf(record: RecordedAction, strings: StringTable): Columns | null {
  const action = record.action;
  if (record.result !== undefined || typeof record.actionId !== 'string' || record.actionId.length !== ID_LENGTH) return null;
  if (action.type !== 'route' && typeof action.alertId !== 'string') return null;
  switch (action.type) {
    case 'alert.acknowledge':
      return { kind: Kind.Acknowledge, a: strings.of(action.alertId as string), b: NONE, c: NONE, d: NONE };
    case 'alert.verdict':
      if (typeof action.verdict !== 'string') return null;
      return { kind: Kind.Verdict, a: strings.of(action.alertId as string), b: strings.of(action.verdict), c: strings.optional(action.reason), d: strings.optional(action.duplicateOf) };
    case 'alert.severity':
      if (typeof action.severity !== 'string') return null;
      return { kind: Kind.Severity, a: strings.of(action.alertId as string), b: strings.of(action.severity), c: NONE, d: NONE };
    case 'route': {
      const target = action.target as { alertId?: unknown } | undefined;
      const to = action.to;
      if (typeof target?.alertId !== 'string' || !Array.isArray(to) || !to.every((p): p is string => typeof p === 'string' && !p.includes('\n'))) return null;
      return { kind: Kind.RouteAlert, a: strings.of(target.alertId), b: strings.of(to.join('\n')), c: action.escalate === true ? 1 : 0, d: strings.optional(action.message) };
    }
    default:
      return null;
  }
}

/** Rebuilds a columnar record in the key order the triage service writes (so the JSON is byte-identical). */
function buildRecord(body: SealedBody, i: number, actionId: string, exerciseId: string, teamId: string): RecordedAction {
  const s = body.strings;
  const a = body.a[i];
  const b = body.b[i];
  const c = body.c[i];
  const d = body.d[i];
  let action: Record<string, unknown>;
  switch (body.type[i] as Kind) {
    case Kind.Acknowledge:
      action = { actionId, exerciseId, type: 'alert.acknowledge', alertId: s[a] };
      break;
    case Kind.Verdict:
      action = { actionId, exerciseId, type: 'alert.verdict', alertId: s[a], verdict: s[b] };
      if (c !== NONE) action.reason = s[c];
      if (d !== NONE) action.duplicateOf = s[d];
      break;
    case Kind.Severity:
      action = { actionId, exerciseId, type: 'alert.severity', alertId: s[a], severity: s[b] };
      break;
    case Kind.RouteAlert:
      action = { actionId, exerciseId, type: 'route', target: { alertId: s[a] }, to: s[b].split('\n'), escalate: c === 1 };
      if (d !== NONE) action.message = s[d];
      break;
    case Kind.Json:
      return JSON.parse(s[a]) as RecordedAction;
    default:
      throw new SealedLogFormatError(`unknown record kind ${body.type[i]}`);
  }
  const [userId, username] = body.users[body.user[i]];
  const virtualMs = body.virtualMs[i];
  return { actionId, exerciseId, teamId, userId, username, seq: body.seq[i], virtualMs, wallMs: virtualMs + body.wallDelta[i], action };
}

/** Encodes one team's logs; `decodeTeamLog(encodeTeamLog(log, ids), ids)` gives the same records, byte for byte in JSON. */
export function encodeTeamLog(log: TeamLog, ids: { readonly exerciseId: string; readonly teamId: string }): string {
  const strings = new StringTable();
  const users: Array<[string, string]> = [];
  const userIndex = new Map<string, number>();
  const body: SealedBody = {
    format: SEALED_LOG_FORMAT,
    strings: strings.list,
    users,
    ids: '',
    type: [],
    seq: [],
    virtualMs: [],
    wallDelta: [],
    user: [],
    a: [],
    b: [],
    c: [],
    d: [],
    events: { id: [], virtualMs: [], origin: [], inject: [], late: [] },
  };
  const actionIds: string[] = [];
  for (const record of log.actions) {
    let columns = record.exerciseId === ids.exerciseId && record.teamId === ids.teamId ? columnsOf(record, strings) : null;
    let user = NONE;
    if (columns !== null) {
      const key = `${record.userId}\n${record.username}`;
      user = userIndex.get(key) ?? NONE;
      if (user === NONE) {
        user = users.length;
        users.push([record.userId, record.username]);
        userIndex.set(key, user);
      }
    }
    const i = body.type.length;
    const push = (c: Columns) => {
      body.type.push(c.kind);
      body.seq.push(record.seq);
      body.virtualMs.push(record.virtualMs);
      body.wallDelta.push(record.wallMs - record.virtualMs);
      body.user.push(user);
      body.a.push(c.a);
      body.b.push(c.b);
      body.c.push(c.c);
      body.d.push(c.d);
    };
    const json = JSON.stringify(record);
    if (columns !== null) {
      push(columns);
      // Lossless or not at all: a record the columns cannot reproduce exactly is kept as JSON.
      if (JSON.stringify(buildRecord(body, i, record.actionId, ids.exerciseId, ids.teamId)) !== json) {
        for (const column of [body.type, body.seq, body.virtualMs, body.wallDelta, body.user, body.a, body.b, body.c, body.d]) column.pop();
        columns = null;
      } else actionIds.push(record.actionId);
    }
    if (columns === null) push({ kind: Kind.Json, a: strings.of(json), b: NONE, c: NONE, d: NONE });
  }
  for (const event of log.delivered) {
    body.events.id.push(strings.of(event.eventId));
    body.events.virtualMs.push(event.virtualMs);
    body.events.origin.push(ORIGINS.indexOf(event.origin));
    body.events.inject.push(event.injectId === undefined ? NONE : strings.of(event.injectId));
    body.events.late.push(event.deliveredAtMs === undefined ? 0 : event.deliveredAtMs - event.virtualMs);
  }
  return JSON.stringify({ ...body, ids: actionIds.join('') });
}

/** Thrown for a document that is not a sealed log of this format (the caller reads the rows instead). */
export class SealedLogFormatError extends Error {}

export function decodeTeamLog(text: string, ids: { readonly exerciseId: string; readonly teamId: string }): TeamLog {
  const body = JSON.parse(text) as SealedBody;
  if (body === null || typeof body !== 'object' || body.format !== SEALED_LOG_FORMAT || !Array.isArray(body.type) || typeof body.ids !== 'string') {
    throw new SealedLogFormatError(`not a sealed team log of format ${SEALED_LOG_FORMAT}`);
  }
  const actions: RecordedAction[] = new Array<RecordedAction>(body.type.length);
  let idAt = 0;
  for (let i = 0; i < body.type.length; i++) {
    let actionId = '';
    if (body.type[i] !== (Kind.Json as number)) {
      actionId = body.ids.slice(idAt, idAt + ID_LENGTH);
      idAt += ID_LENGTH;
    }
    actions[i] = buildRecord(body, i, actionId, ids.exerciseId, ids.teamId);
  }
  const ev = body.events;
  const delivered: ScoringDeliveredEvent[] = new Array<ScoringDeliveredEvent>(ev.id.length);
  for (let i = 0; i < ev.id.length; i++) {
    const origin = ORIGINS[ev.origin[i]];
    if (origin === undefined) throw new SealedLogFormatError(`unknown event origin code ${ev.origin[i]}`);
    const inject = ev.inject[i];
    delivered[i] = deliveredEvent(body.strings[ev.id[i]], ev.virtualMs[i], origin, inject === NONE ? undefined : body.strings[inject], ev.virtualMs[i] + (ev.late[i] ?? 0));
  }
  return { delivered, actions };
}
