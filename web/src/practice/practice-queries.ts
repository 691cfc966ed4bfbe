import { queryOptions } from '@tanstack/react-query';
import type { PracticeCatalogue, PracticeHints, PracticeOpening } from '@contracts/practice.schema.js';
import { api } from '../api/api-client.js';

/** Practice reads, keyed so that everything of one run sits under the run's exercise key. */
export const practiceKeys = {
  catalogue: () => ['practice', 'catalogue'] as const,
  openings: () => ['practice', 'openings'] as const,
  hints: (exerciseId: string, teamId: string | null) => ['exercise', exerciseId, 'practice-hints', teamId] as const,
};

export const practiceQueries = {
  catalogue: () => queryOptions({ queryKey: practiceKeys.catalogue(), queryFn: () => api.get<PracticeCatalogue>('/practice') }),
  openings: () => queryOptions({ queryKey: practiceKeys.openings(), queryFn: () => api.get<PracticeOpening[]>('/practice/openings') }),
  hints: (exerciseId: string, teamId: string | null) =>
    queryOptions({
      queryKey: practiceKeys.hints(exerciseId, teamId),
      queryFn: () => api.get<PracticeHints>(`/exercises/${exerciseId}/practice-hints${teamId ? `?teamId=${encodeURIComponent(teamId)}` : ''}`),
    }),
};
