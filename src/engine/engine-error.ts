/** Stable codes the realtime layer can map to user-facing messages without parsing text. */
export const ENGINE_ERROR_CODES = [
  'INVALID_TRANSITION',
  'INVALID_SPEED',
  'INVALID_TIME',
  'SEEK_BACKWARDS',
  'TIME_BACKWARDS',
  'ACTION_IN_PAST',
  'ACTION_IN_FUTURE',
  'EXERCISE_NOT_RUNNING',
  'UNKNOWN_TEAM',
  'DUPLICATE_TEAM',
  'UNKNOWN_PHASE',
  'PHASE_NOT_PENDING',
  'UNKNOWN_INJECT',
  'UNKNOWN_TRIGGER',
  'DUPLICATE_EVENT_ID',
  'UNSCHEDULED_EVENT',
  'INVALID_SNAPSHOT',
  'INVALID_JOURNAL',
  'EMPTY_HEAP',
  'INVALID_ARGUMENT',
] as const;
export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
