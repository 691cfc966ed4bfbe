import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { requestValidationError } from '../common/validation.pipe.js';
import { UploadSchema, type UploadBody } from './scenario-body.js';

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/**
 * A scenario upload's body: the bytes app-factory.ts kept unparsed (JSON `{ source }` or the raw
 * text), for a worker to decode and check. A body of neither content type answers the schema's
 * error, as on every other route.
 */
export const ScenarioUploadBody = createParamDecorator((_data: unknown, context: ExecutionContext): string | UploadBody => {
  const request = context.switchToHttp().getRequest<Request>();
  const body: unknown = request.body;
  if (Buffer.isBuffer(body)) {
    const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase() ?? null;
    return { kind: request.is('application/json') ? 'json' : 'text', bytes: body, charset };
  }
  const parsed = UploadSchema.safeParse(body);
  if (!parsed.success) throw requestValidationError(parsed.error.issues);
  return parsed.data;
});
