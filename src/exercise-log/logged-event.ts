import type { StreamEvent } from '../contracts/exercise.schema.js';

/** A delivered event as the log keeps it: with the scenario's own id and where it came from (never sent out as is). */
export type LoggedEvent = StreamEvent & { readonly origin: 'timeline' | 'noise' | 'inject' };
