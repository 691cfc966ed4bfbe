import type { ErrorCode, ErrorDetail } from '../contracts/error-codes.js';

/** The one error type services throw; the code is stable, the message is for humans. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** HTTP status per code, in one place. The switch is exhaustive: a new code must be mapped here. */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'MALFORMED_JSON':
    case 'SCENARIO_INVALID':
    case 'SCENARIO_NOT_UTF8':
    case 'SCENARIO_BINARY':
    case 'SCENARIO_SYNTAX':
    case 'SCENARIO_TOO_DEEP':
    case 'SCENARIO_ALIAS_LIMIT':
    case 'SEEK_BACKWARDS':
    case 'INVALID_SPEED':
    case 'AUTH_CURRENT_PASSWORD_WRONG':
    case 'SSO_STATE_INVALID':
    case 'IMPORT_UNKNOWN_FORMAT':
    case 'IMPORT_BINARY':
    case 'IMPORT_WRONG_FORMAT':
    case 'IMPORT_EMPTY':
    case 'IMPORT_INVALID_MAPPING':
    case 'LOG_QUERY_INVALID':
    case 'TARGET_NOT_OFFERED':
      return 400;
    case 'AUTH_REQUIRED':
    case 'AUTH_INVALID_CREDENTIALS':
    case 'AUTH_TOKEN_EXPIRED':
    case 'AUTH_TOKEN_INVALID':
    case 'AUTH_TOKEN_REVOKED':
    case 'AUTH_SSO_ACCOUNT':
    case 'SSO_CODE_INVALID':
      return 401;
    case 'FORBIDDEN':
    case 'NOT_TEAM_MEMBER':
    case 'PRACTICE_ONLY':
    case 'SCENARIO_READ_ONLY':
    case 'AUTH_PASSWORD_CHANGE_REQUIRED':
    case 'SSO_NO_MAPPING':
    case 'SSO_ACCOUNT_DISABLED':
      return 403;
    case 'NOT_FOUND':
    case 'ROUTE_NOT_FOUND':
    case 'SCENARIO_NOT_FOUND':
    case 'EXERCISE_NOT_FOUND':
    case 'ALERT_NOT_DELIVERED':
    case 'INCIDENT_NOT_FOUND':
    case 'REPORT_NOT_FOUND':
    case 'NO_HINT':
    case 'PRACTICE_NOT_OPEN':
    case 'USER_NOT_FOUND':
    case 'ORG_NOT_FOUND':
    case 'UNIT_NOT_FOUND':
    case 'SSO_NOT_CONFIGURED':
      return 404;
    case 'CONFLICT':
    case 'SCENARIO_VERSION_EXISTS':
    case 'SCENARIO_VERSION_NOT_NEWER':
    case 'SCENARIO_EXISTS':
    case 'EXERCISE_INVALID_STATE':
    case 'PRACTICE_ALREADY_RUNNING':
    case 'EXERCISE_PAUSED':
    case 'EXERCISE_FINISHED':
    case 'ALERT_OWNED_BY_OTHER':
    case 'INCIDENT_MERGED':
    case 'INCIDENT_PHASE_ORDER':
    case 'USERNAME_TAKEN':
    case 'SAVED_QUERY_LIMIT':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
    case 'SCENARIO_TOO_LARGE':
    case 'IMPORT_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    // The request is well-formed, but its job ran past the time or memory limit of a heavy job.
    case 'JOB_TIMEOUT':
    case 'SCENARIO_TOO_COMPLEX':
    case 'EXPORT_EMPTY': // nothing to export yet: an empty STIX bundle would be invalid
      return 422;
    case 'RATE_LIMITED':
      return 429;
    case 'INTERNAL_ERROR':
      return 500;
    case 'REPORT_RENDERER_UNAVAILABLE':
    case 'NOT_READY':
      return 503;
    // The identity provider failed or refused (its error, an invalid token answer, unreachable).
    case 'SSO_PROVIDER_ERROR':
      return 502;
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped error code ${String(unmapped)}`);
    }
  }
}
