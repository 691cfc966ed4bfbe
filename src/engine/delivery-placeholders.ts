import type { Era, Text } from '../contracts/common.schema.js';
import type { Scenario } from '../contracts/scenario.schema.js';
import type { TraineeAlert } from './trainee-alert.js';

/**
 * Placeholders filled when an alert is delivered (docs/scenario-authoring.md, "Placeholders"):
 * `{{now}}` is the wall-clock time of the delivery, so the raw log of an alert a trigger released
 * carries the time it really arrived; `{{party.<id>}}` is that party's name in the exercise's era.
 */

/** Vietnam time (UTC+7) all year: the zone the drills' logs are written in. */
export const WALL_CLOCK_OFFSET_MINUTES = 7 * 60;

/** `{{now}}`, `{{now-30s}}`, `{{now+2m|DD/MMM/YYYY:HH:mm:ss ZZ}}`, `{{party.ncsc}}`. */
export const DELIVERY_PLACEHOLDER = /\{\{\s*(now(?:\s*[+-]\s*\d+\s*[smh]?)?(?:\s*\|[^{}]*)?|party\.[a-z0-9][a-z0-9._-]{0,79})\s*\}\}/g;
const NOW_PARTS = /^now(?:\s*([+-])\s*(\d+)\s*([smh]?))?(?:\s*\|([^{}]*))?$/;
const FORMAT_TOKEN = /YYYY|MMM|MM|DD|HH|mm|ss|SSS|ZZ|Z/g;
/** Tokens that need a calendar date (the scenario's `wallClockDate`). */
export const DATE_TOKENS: ReadonlySet<string> = new Set(['YYYY', 'MMM', 'MM', 'DD']);
export const DEFAULT_NOW_FORMAT = 'HH:mm:ss';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface NowPlaceholder {
  readonly kind: 'now';
  /** Seconds added to the delivery time (negative: before it). */
  readonly offsetSeconds: number;
  readonly format: string;
}
export interface PartyPlaceholder {
  readonly kind: 'party';
  readonly partyId: string;
}
export type DeliveryPlaceholder = NowPlaceholder | PartyPlaceholder;

/** Parses the inside of a `{{...}}` the pattern matched; null when `now` is malformed. */
export function parseDeliveryPlaceholder(inner: string): DeliveryPlaceholder | null {
  const text = inner.trim();
  if (text.startsWith('party.')) return { kind: 'party', partyId: text.slice('party.'.length) };
  const parts = NOW_PARTS.exec(text);
  if (parts === null) return null;
  const unit = parts[3] === 'h' ? 3600 : parts[3] === 'm' ? 60 : 1;
  const offsetSeconds = parts[2] === undefined ? 0 : (parts[1] === '-' ? -1 : 1) * Number(parts[2]) * unit;
  const format = parts[4] === undefined ? DEFAULT_NOW_FORMAT : parts[4].trim();
  return { kind: 'now', offsetSeconds, format };
}

/** The format tokens a `{{now|...}}` format uses (for the validator). */
export function formatTokens(format: string): string[] {
  return [...format.matchAll(FORMAT_TOKEN)].map((m) => m[0]);
}

export interface WallClock {
  /** Seconds after midnight at T+0 (from `wallClockStart`; 0 without one). */
  readonly startSeconds: number;
  /** The calendar date at T+0 as UTC midnight ms, or null without `wallClockDate`. */
  readonly dateMs: number | null;
}

export function wallClockOf(scenario: Pick<Scenario, 'wallClockStart' | 'wallClockDate'>): WallClock {
  const [h = 0, m = 0, s = 0] = (scenario.wallClockStart ?? '00:00').split(':').map(Number);
  return { startSeconds: h * 3600 + m * 60 + s, dateMs: scenario.wallClockDate === undefined ? null : Date.parse(`${scenario.wallClockDate}T00:00:00Z`) };
}

/** Formats the wall-clock instant `virtualMs` after T+0 (date tokens print 1970-01-01 without a date: the validator refuses that). */
export function formatWallClock(clock: WallClock, virtualMs: number, format: string): string {
  const local = new Date((clock.dateMs ?? 0) + clock.startSeconds * 1000 + virtualMs);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const sign = WALL_CLOCK_OFFSET_MINUTES >= 0 ? '+' : '-';
  const offH = pad(Math.floor(Math.abs(WALL_CLOCK_OFFSET_MINUTES) / 60));
  const offM = pad(Math.abs(WALL_CLOCK_OFFSET_MINUTES) % 60);
  return format.replace(FORMAT_TOKEN, (token) => {
    switch (token) {
      case 'YYYY':
        return String(local.getUTCFullYear());
      case 'MMM':
        return MONTHS[local.getUTCMonth()]!;
      case 'MM':
        return pad(local.getUTCMonth() + 1);
      case 'DD':
        return pad(local.getUTCDate());
      case 'HH':
        return pad(local.getUTCHours());
      case 'mm':
        return pad(local.getUTCMinutes());
      case 'ss':
        return pad(local.getUTCSeconds());
      case 'SSS':
        return pad(local.getUTCMilliseconds(), 3);
      case 'ZZ':
        return `${sign}${offH}${offM}`;
      default:
        return `${sign}${offH}:${offM}`;
    }
  });
}

export interface PlaceholderContext {
  readonly clock: WallClock;
  /** Party id → its name in the exercise's era. */
  readonly partyNames: ReadonlyMap<string, Text>;
}

export function placeholderContext(scenario: Scenario, era: Era): PlaceholderContext {
  return {
    clock: wallClockOf(scenario),
    partyNames: new Map(scenario.parties.map((p) => [p.id, p.eraNames?.[era] ?? p.name])),
  };
}

/** Fills one string; `lang` picks the party name's language (raw logs and fields use Vietnamese). Unknown parties stay as written. */
export function fillDeliveryText(text: string, ctx: PlaceholderContext, virtualMs: number, lang: 'vi' | 'en'): string {
  if (!text.includes('{{')) return text;
  return text.replace(DELIVERY_PLACEHOLDER, (whole, inner: string) => {
    const placeholder = parseDeliveryPlaceholder(inner);
    if (placeholder === null) return whole;
    if (placeholder.kind === 'party') return ctx.partyNames.get(placeholder.partyId)?.[lang] ?? whole;
    return formatWallClock(ctx.clock, virtualMs + placeholder.offsetSeconds * 1000, placeholder.format);
  });
}

export function hasDeliveryPlaceholders(alert: TraineeAlert): boolean {
  const strings: string[] = [alert.title.vi, alert.title.en, alert.description.vi, alert.description.en, ...alert.observables.map((o) => o.value)];
  if (alert.raw !== undefined) strings.push(alert.raw);
  if (alert.rule !== undefined) strings.push(alert.rule.name);
  for (const value of Object.values(alert.fields ?? {})) {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) for (const item of value) if (typeof item === 'string') strings.push(item);
  }
  return strings.some((s) => s.includes('{{') && new RegExp(DELIVERY_PLACEHOLDER.source).test(s));
}

/** A copy of the alert with its placeholders filled for a delivery at `virtualMs`. */
export function fillAlert(alert: TraineeAlert, ctx: PlaceholderContext, virtualMs: number): TraineeAlert {
  const vi = (text: string) => fillDeliveryText(text, ctx, virtualMs, 'vi');
  const en = (text: string) => fillDeliveryText(text, ctx, virtualMs, 'en');
  const out: { -readonly [K in keyof TraineeAlert]: TraineeAlert[K] } = {
    ...alert,
    title: { vi: vi(alert.title.vi), en: en(alert.title.en) },
    description: { vi: vi(alert.description.vi), en: en(alert.description.en) },
    observables: alert.observables.map((o) => ({ type: o.type, value: vi(o.value) })),
  };
  if (alert.raw !== undefined) out.raw = vi(alert.raw);
  if (alert.rule !== undefined) out.rule = { ...alert.rule, name: vi(alert.rule.name) };
  if (alert.fields !== undefined) {
    const fields: Record<string, string | number | boolean | Array<string | number | boolean>> = {};
    const fill = (v: string | number | boolean) => (typeof v === 'string' ? vi(v) : v);
    for (const [key, value] of Object.entries(alert.fields)) fields[key] = Array.isArray(value) ? value.map(fill) : fill(value);
    out.fields = fields;
  }
  return Object.freeze(out);
}
