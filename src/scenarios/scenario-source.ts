import { isUtf8 } from 'node:buffer';

/** A refusal of the file as a whole, before any YAML or JSON is read. */
export interface SourceProblem {
  readonly code: 'SCENARIO_TOO_LARGE' | 'SCENARIO_BINARY' | 'SCENARIO_NOT_UTF8' | 'SCENARIO_SYNTAX';
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

export type DecodedSource = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problem: SourceProblem };

/** Line and column (both from 1) of a UTF-16 offset in `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lastBreak = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lastBreak = i;
    }
  }
  return { line, column: offset - lastBreak };
}

function notUtf8(text: string, offset: number): DecodedSource {
  const { line, column } = lineColumnAt(text, offset);
  return {
    ok: false,
    problem: {
      code: 'SCENARIO_NOT_UTF8',
      message: 'the file is not UTF-8: the character here cannot be read (was the file saved as Windows-1258 or another legacy encoding?); save it as UTF-8',
      line,
      column,
    },
  };
}

// U+FFFD is what a lossy decoder (a browser's File.text(), a body parser) leaves where a byte was
// not UTF-8; a lone surrogate is what a JSON "\ud800" escape leaves. Either way the text is damaged.
const DAMAGED = /\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The byte checks every door shares (CLI files, REST bodies, the console editor's text): size,
 * binary data, UTF-8 (a text that was already decoded lossily is refused like the bytes it came
 * from), then the text normalised to NFC so that "Công" typed on macOS and on Windows is one string.
 */
export function decodeScenarioSource(input: string | Uint8Array, maxBytes: number): DecodedSource {
  const byteLength = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (byteLength > maxBytes) {
    return { ok: false, problem: { code: 'SCENARIO_TOO_LARGE', message: `the file is ${byteLength} bytes; the limit is ${maxBytes} bytes`, line: 1, column: 1 } };
  }
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    const nulByte = input.indexOf(0);
    if (nulByte >= 0) {
      const prefix = Buffer.from(input.subarray(0, nulByte)).toString('utf8');
      const { line, column } = lineColumnAt(prefix, prefix.length);
      return { ok: false, problem: { code: 'SCENARIO_BINARY', message: 'the file contains binary data (a NUL byte); scenarios are UTF-8 text', line, column } };
    }
    // Invalid bytes decode to U+FFFD, which the check on the text below then locates: bytes and
    // already-decoded text get the same answer at the same line:column.
    text = isUtf8(input) ? Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8') : new TextDecoder('utf-8').decode(input);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const { line, column } = lineColumnAt(text, nul);
    return { ok: false, problem: { code: 'SCENARIO_BINARY', message: 'the file contains binary data (a NUL character); scenarios are UTF-8 text', line, column } };
  }
  // Other C0 control characters (except tab, LF, CR) mean binary data, not a scenario.
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  const control = /[\u0001-\u0008\u000b\u000c\u000e-\u001f]/.exec(text);
  if (control) {
    const { line, column } = lineColumnAt(text, control.index);
    return { ok: false, problem: { code: 'SCENARIO_BINARY', message: 'the file contains control characters; scenarios are UTF-8 text', line, column } };
  }
  // Most files have neither: a plain scan is cheaper than the look-around pattern.
  const damaged = text.includes('\uFFFD') || /[\uD800-\uDFFF]/.test(text) ? DAMAGED.exec(text) : null;
  if (damaged) return notUtf8(text, damaged.index);
  if (text.trim() === '') return { ok: false, problem: { code: 'SCENARIO_SYNTAX', message: 'the file is empty', line: 1, column: 1 } };
  return { ok: true, text: text.normalize('NFC') };
}
