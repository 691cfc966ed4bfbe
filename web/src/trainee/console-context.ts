import { createContext, useContext } from 'react';
import type { ExerciseDto } from '@contracts/exercise.schema.js';
import type { ScenarioBriefing } from '@contracts/scenario-api.schema.js';
import type { TeamState } from '@contracts/triage.schema.js';
import type { BriefingParty } from './console-model.js';
import type { LogRequest } from './log-search-panel.js';
import type { Act } from './use-triage.js';

export interface ConsoleContextValue {
  exercise: ExerciseDto;
  teamId: string;
  briefing: ScenarioBriefing | null;
  parties: BriefingParty[];
  state: TeamState | null;
  /** Set when the triage endpoints are missing or failing; the console stays usable read-only. */
  triageError: unknown;
  /** The exercise is over (finished, aborted or out of time): every control that records is disabled. */
  ended: boolean;
  act: Act;
  members: ReadonlyMap<string, string>;
  userId: string;
  virtualMs: () => number;
  /** Opens the log search on a query, a pivot or an alert's host (absent where there is no search). */
  investigate?: (request: LogRequest) => void;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('ConsoleContext missing');
  return value;
}
