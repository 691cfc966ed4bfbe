/** Longest piece of client-supplied text a log line carries. */
const MAX_LOGGED_CHARS = 200;

/**
 * Client-supplied text (a username, an address, a path) for a log line: quoted, cut to a
 * bounded length, with every control and line-separator character escaped, so that a value
 * can never end the line and forge another one (ASVS 7.3.1).
 */
export function logText(value: unknown): string {
  const text = String(value);
  const cut = text.length > MAX_LOGGED_CHARS ? `${text.slice(0, MAX_LOGGED_CHARS)}…` : text;
  // JSON.stringify escapes C0 controls, quotes and backslashes; C1 controls and U+2028/2029 are escaped here.
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
