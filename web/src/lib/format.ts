import type { Text } from '@contracts/common.schema.js';
import { currentLang, intlLocale } from '../i18n/i18n.js';

/** Scenario texts are bilingual; pick the user's language (always rendered as plain text). */
export function pick(text: Text | undefined | null, lang = currentLang()): string {
  if (!text) return '';
  return lang === 'en' ? text.en : text.vi;
}

/** Virtual time as mm:ss below one hour, hh:mm:ss above. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${two(h)}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

export function formatNumber(value: number, digits = 0): string {
  return new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(value);
}

/** The 0–1 index with three decimals, as the results pages and the printed reports show it. */
export function formatIndex(value: number): string {
  return new Intl.NumberFormat(intlLocale(), { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(value);
}

export function formatDateTime(iso: string | number): string {
  return new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

/** Parses "40m", "1h5m", "1:05:00", "12:30" or plain seconds into virtual milliseconds. */
export function parseTimeInput(text: string): number | null {
  const t = text.trim();
  if (/^\d+(:\d{1,2}){1,2}$/.test(t)) {
    const parts = t.split(':').map(Number);
    const seconds = parts.length === 3 ? parts[0]! * 3600 + parts[1]! * 60 + parts[2]! : parts[0]! * 60 + parts[1]!;
    return seconds * 1000;
  }
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(t);
  if (m && t !== '') return (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000;
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  return null;
}

/** A virtual time as an offset from the start: "T+13:00" (never to be read as a time of day). */
export function formatOffset(ms: number): string {
  return `T+${formatClock(ms)}`;
}

/** "08:00" or "08:00:00" (a scenario's `wallClockStart`) as seconds after midnight; null when absent or malformed. */
export function parseWallClockStart(text: string | null | undefined): number | null {
  const m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text ?? '');
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0) : null;
}

/**
 * A virtual time as the drill's wall clock ("08:13:05", as the raw logs write it) when the scenario
 * says when T+0 is, else as an offset ("T+13:05"): a bare "13:05" reads as five past one.
 */
export function formatVirtualTime(ms: number, startSeconds: number | null): string {
  if (startSeconds === null) return formatOffset(ms);
  const total = (startSeconds + Math.max(0, Math.floor(ms / 1000))) % 86_400;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(total / 3600))}:${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}`;
}
