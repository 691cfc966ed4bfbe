import { z } from 'zod';
import { findReservedKey, reservedKeyDetail } from '../common/reserved-keys.js';
import { requestValidationError } from '../common/validation.pipe.js';
import type { ErrorCode, ErrorDetail } from '../contracts/error-codes.js';
import { ScenarioSourceSchema } from '../contracts/scenario-api.schema.js';

/**
 * A scenario file arrives as JSON `{ source }` or as the raw YAML/JSON text (Content-Type text/yaml).
 * An empty one goes through to the validator, which answers "the file is empty" as the CLI does.
 */
export const UploadSchema = z.union([ScenarioSourceSchema, z.string()]).transform((body) => (typeof body === 'string' ? body : body.source));

/** Content types of the raw-text form of an upload. */
export const SCENARIO_TEXT_TYPES = ['text/yaml', 'application/yaml', 'application/x-yaml', 'text/plain'];

/**
 * The body of a scenario upload as it came off the socket: bytes, not yet decoded. Decoding and
 * parsing a large file takes the event loop for a long while, so a heavy-job worker does it
 * (`sourceOfBody`), with the same rules and messages as the server's body parsers.
 */
export interface UploadBody {
  readonly kind: 'json' | 'text';
  readonly bytes: Uint8Array;
  /** The Content-Type's charset, lower case; null when none was given (UTF-8). */
  readonly charset: string | null;
}

/** A request body refused before it reached the scenario validator (the error the route answers with). */
export interface BodyRefusal {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: ErrorDetail[];
}

/** The scenario upload routes, whose bodies are read as bytes and decoded in a worker (see app-factory.ts). */
const UPLOAD_ROUTES: ReadonlyArray<{ readonly method: string; readonly path: RegExp }> = [
  { method: 'POST', path: /^\/api\/scenarios\/?$/i },
  { method: 'POST', path: /^\/api\/scenarios\/validate\/?$/i },
  { method: 'PUT', path: /^\/api\/scenarios\/[^/]+\/?$/i },
];

export function isScenarioUploadRoute(method: string, path: string): boolean {
  return UPLOAD_ROUTES.some((route) => route.method === method && route.path.test(path));
}

const MALFORMED: BodyRefusal = { code: 'MALFORMED_JSON', message: 'Request body is not valid JSON' };
const UNSUPPORTED: BodyRefusal = { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported request encoding' };
/** body-parser's strict JSON: the first character that is not white space opens an object or an array. */
const FIRST_CHARACTER = /^[ \t\n\r]*([^ \t\n\r])/;

function isUtf8Label(charset: string | null): boolean {
  return charset === null || charset === 'utf-8' || charset === 'utf8';
}

function decode(bytes: Uint8Array, charset: string): string | null {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The scenario text of an upload's body, or why the request is refused: the rules of the JSON and
 * text body parsers the other routes use (strict JSON, UTF-* charsets for JSON, no reserved keys,
 * the `{ source }` schema). UTF-8 text stays bytes, for the validator's own byte checks.
 */
export function sourceOfBody(body: UploadBody): { readonly ok: true; readonly source: string | Uint8Array } | { readonly ok: false; readonly refusal: BodyRefusal } {
  if (body.kind === 'text') {
    if (isUtf8Label(body.charset)) return { ok: true, source: body.bytes };
    const text = decode(body.bytes, body.charset!);
    return text === null ? { ok: false, refusal: UNSUPPORTED } : { ok: true, source: text };
  }
  if (!isUtf8Label(body.charset) && !body.charset!.startsWith('utf-')) return { ok: false, refusal: UNSUPPORTED };
  const text = decode(body.bytes, body.charset ?? 'utf-8');
  if (text === null) return { ok: false, refusal: UNSUPPORTED };
  let value: unknown = {};
  if (text.length > 0) {
    const first = FIRST_CHARACTER.exec(text)?.[1];
    if (first !== '{' && first !== '[') return { ok: false, refusal: MALFORMED };
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      return { ok: false, refusal: MALFORMED };
    }
  }
  const reserved = findReservedKey(value);
  if (reserved !== null) return { ok: false, refusal: { code: 'VALIDATION_FAILED', message: 'Request validation failed', details: [reservedKeyDetail(reserved)] } };
  const parsed = UploadSchema.safeParse(value);
  if (!parsed.success) {
    const error = requestValidationError(parsed.error.issues);
    return { ok: false, refusal: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
  }
  return { ok: true, source: parsed.data };
}
