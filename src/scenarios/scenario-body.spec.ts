import { isScenarioUploadRoute, sourceOfBody, type UploadBody } from './scenario-body.js';

const json = (text: string, charset: string | null = null): UploadBody => ({ kind: 'json', bytes: new TextEncoder().encode(text), charset });

describe('scenario upload bodies, decoded in the worker with the body parsers’ rules', () => {
  it('takes the source of a JSON `{ source }` body and keeps UTF-8 text as bytes for the validator', () => {
    expect(sourceOfBody(json('\n {"source":"id: x"}'))).toEqual({ ok: true, source: 'id: x' });
    const bytes = new TextEncoder().encode('id: Công');
    expect(sourceOfBody({ kind: 'text', bytes, charset: 'utf-8' })).toEqual({ ok: true, source: bytes });
    expect(sourceOfBody({ kind: 'text', bytes: Uint8Array.from([0x43, 0xf4, 0x6e, 0x67]), charset: 'iso-8859-1' })).toEqual({ ok: true, source: 'Công' });
  });

  it('answers MALFORMED_JSON, VALIDATION_FAILED and UNSUPPORTED_MEDIA_TYPE as the JSON parser and the schema pipe do', () => {
    expect(sourceOfBody(json('{"source":'))).toEqual({ ok: false, refusal: { code: 'MALFORMED_JSON', message: 'Request body is not valid JSON' } });
    expect(sourceOfBody(json('"just a string"'))).toMatchObject({ ok: false, refusal: { code: 'MALFORMED_JSON' } });
    expect(sourceOfBody(json('{"source":"x","__proto__":{"a":1}}'))).toEqual({
      ok: false,
      refusal: { code: 'VALIDATION_FAILED', message: 'Request validation failed', details: [{ path: '__proto__', message: expect.stringContaining('reserved key') as string }] },
    });
    expect(sourceOfBody(json('{"source":1}'))).toMatchObject({ ok: false, refusal: { code: 'VALIDATION_FAILED', message: 'Request validation failed' } });
    expect(sourceOfBody(json(''))).toMatchObject({ ok: false, refusal: { code: 'VALIDATION_FAILED' } });
    expect(sourceOfBody(json('{"source":"x"}', 'iso-8859-1'))).toMatchObject({ ok: false, refusal: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    expect(sourceOfBody({ kind: 'text', bytes: new Uint8Array(1), charset: 'no-such-charset' })).toMatchObject({ ok: false, refusal: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('names only the upload routes', () => {
    expect(isScenarioUploadRoute('POST', '/api/scenarios')).toBe(true);
    expect(isScenarioUploadRoute('POST', '/api/scenarios/validate')).toBe(true);
    expect(isScenarioUploadRoute('PUT', '/api/scenarios/fixture-minimal')).toBe(true);
    expect(isScenarioUploadRoute('POST', '/api/scenarios/x/versions/y/simulate')).toBe(false);
    expect(isScenarioUploadRoute('POST', '/api/exercises')).toBe(false);
  });
});
