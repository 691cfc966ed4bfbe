import { z } from 'zod';

/**
 * Every error the API or the socket gateway can return carries one of these stable codes.
 * Clients (and tests) switch on the code, never on the message.
 */
export const ERROR_CODES = [
  // generic
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'ROUTE_NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'MALFORMED_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'INTERNAL_ERROR',
  'REPORT_RENDERER_UNAVAILABLE',
  'NOT_READY',
  'CONFLICT',
  'JOB_TIMEOUT',
  // auth
  'AUTH_REQUIRED',
  'AUTH_INVALID_CREDENTIALS',
  'AUTH_TOKEN_EXPIRED',
  'AUTH_TOKEN_INVALID',
  'AUTH_TOKEN_REVOKED',
  'FORBIDDEN',
  'AUTH_CURRENT_PASSWORD_WRONG',
  'AUTH_PASSWORD_CHANGE_REQUIRED',
  'AUTH_SSO_ACCOUNT',
  // single sign-on
  'SSO_NOT_CONFIGURED',
  'SSO_STATE_INVALID',
  'SSO_PROVIDER_ERROR',
  'SSO_NO_MAPPING',
  'SSO_ACCOUNT_DISABLED',
  'SSO_CODE_INVALID',
  // identity
  'USER_NOT_FOUND',
  'ORG_NOT_FOUND',
  'UNIT_NOT_FOUND',
  'USERNAME_TAKEN',
  // scenarios
  'SCENARIO_INVALID',
  'SCENARIO_TOO_LARGE',
  'SCENARIO_NOT_UTF8',
  'SCENARIO_BINARY',
  'SCENARIO_SYNTAX',
  'SCENARIO_TOO_DEEP',
  'SCENARIO_ALIAS_LIMIT',
  'SCENARIO_NOT_FOUND',
  'SCENARIO_VERSION_EXISTS',
  'SCENARIO_VERSION_NOT_NEWER',
  'SCENARIO_EXISTS',
  'SCENARIO_READ_ONLY',
  'SCENARIO_TOO_COMPLEX',
  // exercises / runtime
  'EXERCISE_NOT_FOUND',
  'EXERCISE_INVALID_STATE',
  'EXERCISE_PAUSED',
  'EXERCISE_FINISHED',
  'SEEK_BACKWARDS',
  'INVALID_SPEED',
  // self-paced practice
  'PRACTICE_NOT_OPEN',
  'PRACTICE_ALREADY_RUNNING',
  'PRACTICE_ONLY',
  // triage
  'ALERT_NOT_DELIVERED',
  'ALERT_OWNED_BY_OTHER',
  'NOT_TEAM_MEMBER',
  'INCIDENT_NOT_FOUND',
  'INCIDENT_MERGED',
  'INCIDENT_PHASE_ORDER',
  'REPORT_NOT_FOUND',
  'NO_HINT',
  /** A response target outside the drill's declared choices (scenario `responseTargets`). */
  'TARGET_NOT_OFFERED',
  // exports
  'EXPORT_EMPTY',
  // importing SOC exports into scenario drafts
  'IMPORT_UNKNOWN_FORMAT',
  'IMPORT_BINARY',
  'IMPORT_TOO_LARGE',
  'IMPORT_WRONG_FORMAT',
  'IMPORT_EMPTY',
  'IMPORT_INVALID_MAPPING',
  // log search
  'LOG_QUERY_INVALID',
  'SAVED_QUERY_LIMIT',
] as const;

export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ErrorDetailSchema = z.object({
  path: z.string(),
  message: z.string(),
  code: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});
export type ErrorDetail = z.infer<typeof ErrorDetailSchema>;

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: ErrorCodeSchema,
      message: z.string(),
      details: z.array(ErrorDetailSchema).optional(),
    }),
  })
  .meta({ id: 'ErrorBody' });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
