import { keepPreviousData, QueryClient, queryOptions } from '@tanstack/react-query';
import type { UserPage } from '@contracts/auth-api.schema.js';
import type { ExerciseDto } from '@contracts/exercise.schema.js';
import type { ExerciseList, ExerciseResults, Trends, Weaknesses } from '@contracts/results.schema.js';
import type { ScenarioBriefing, ScenarioSummary } from '@contracts/scenario-api.schema.js';
import type { AfterActionReview, ReportGrades, ScoreboardView } from '@contracts/scoring.schema.js';
import type { RecordedAction, ReportDeadlines, TeamProgress, TeamState } from '@contracts/triage.schema.js';
import type { Scenario } from '@contracts/scenario.schema.js';
import { api, session } from './api-client.js';

/** A scenario version as the instructor reads it: the file as written and the parsed scenario. */
export interface ScenarioDetailDto extends ScenarioSummary {
  format: 'yaml' | 'json';
  source: string;
  scenario: Scenario;
}

/**
 * The console's one query cache. No retries (an error shows its stable code at once, as the API
 * gave it) and no refetch on focus or reconnect: the realtime hub invalidates what a push changes,
 * and re-joins after a reconnect invalidate the whole exercise. A changed key keeps the previous
 * data on screen until the new data arrives (a filter change does not blank a table).
 * gcTime 0: views that are open share their data, but a page opened later reads afresh; views pick
 * their first selection from the first data (the newest version, the flagship scenario), and a list
 * cached from an earlier visit would steer that to what was true then.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: false, gcTime: 0, refetchOnWindowFocus: false, refetchOnReconnect: false, placeholderData: keepPreviousData },
    mutations: { retry: false },
  },
});

/**
 * Query keys per resource. Everything of one exercise sits under `exercise(id)` (a re-join
 * invalidates it all); what teams' actions change sits under `derived(id)`.
 */
export const queryKeys = {
  exercises: () => ['exercises'] as const,
  exercise: (id: string) => ['exercise', id] as const,
  exerciseDetail: (id: string) => ['exercise', id, 'detail'] as const,
  briefing: (id: string) => ['exercise', id, 'briefing'] as const,
  /** The team's recorded actions: the reader's own team, or one team for instructors. */
  actions: (id: string, teamId: string | null) => ['exercise', id, 'actions', teamId] as const,
  review: (id: string, teamId: string) => ['exercise', id, 'review', teamId] as const,
  derived: (id: string) => ['exercise', id, 'derived'] as const,
  teamState: (id: string) => ['exercise', id, 'derived', 'state'] as const,
  deadlines: (id: string) => ['exercise', id, 'derived', 'deadlines'] as const,
  /** One team's state as instructors read it. */
  teamStateOf: (id: string, teamId: string) => ['exercise', id, 'derived', 'state', teamId] as const,
  /** Hand grades of filed reports: the reader's own team's, or every team's for staff. */
  reportGrades: (id: string) => ['exercise', id, 'derived', 'report-grades'] as const,
  progress: (id: string) => ['exercise', id, 'derived', 'progress'] as const,
  scoreboard: (id: string) => ['exercise', id, 'derived', 'scoreboard'] as const,
  scenarios: () => ['scenarios'] as const,
  scenarioVersions: (scenarioId: string, library: string | null) => ['scenarios', scenarioId, 'versions', library] as const,
  scenarioVersion: (scenarioId: string, versionId: string) => ['scenarios', scenarioId, 'version', versionId] as const,
  trainees: () => ['users', 'trainees'] as const,
  results: () => ['results'] as const,
  resultExercises: (query: string) => ['results', 'exercises', query] as const,
  resultExercise: (id: string) => ['results', 'exercise', id] as const,
  trends: (query: string) => ['results', 'trends', query] as const,
  weaknesses: (by: string, exerciseIds: readonly string[]) => ['results', 'weaknesses', by, exerciseIds] as const,
};

const q = (query: string): string => (query ? `?${query}` : '');
const team = (teamId: string): string => encodeURIComponent(teamId);

/** One GET per resource, with its key. */
export const queries = {
  exercises: () => queryOptions({ queryKey: queryKeys.exercises(), queryFn: () => api.get<ExerciseDto[]>('/exercises') }),
  exercise: (id: string) => queryOptions({ queryKey: queryKeys.exerciseDetail(id), queryFn: () => api.get<ExerciseDto>(`/exercises/${id}`) }),
  briefing: (id: string) => queryOptions({ queryKey: queryKeys.briefing(id), queryFn: () => api.get<ScenarioBriefing>(`/exercises/${id}/briefing`) }),
  ownActions: (id: string) =>
    queryOptions({
      queryKey: queryKeys.actions(id, null),
      queryFn: () => api.get<{ teamId: string; actions: RecordedAction[] }>(`/exercises/${id}/actions?limit=1000`),
    }),
  teamActions: (id: string, teamId: string) =>
    queryOptions({
      queryKey: queryKeys.actions(id, teamId),
      queryFn: () => api.get<{ teamId: string; actions: RecordedAction[] }>(`/exercises/${id}/actions?teamId=${team(teamId)}&limit=1000`),
    }),
  review: (id: string, teamId: string) =>
    queryOptions({ queryKey: queryKeys.review(id, teamId), queryFn: () => api.get<AfterActionReview>(`/exercises/${id}/teams/${team(teamId)}/review`) }),
  teamState: (id: string) => queryOptions({ queryKey: queryKeys.teamState(id), queryFn: () => api.get<TeamState>(`/exercises/${id}/state`) }),
  deadlines: (id: string) => queryOptions({ queryKey: queryKeys.deadlines(id), queryFn: () => api.get<ReportDeadlines>(`/exercises/${id}/deadlines`) }),
  teamStateOf: (id: string, teamId: string) =>
    queryOptions({ queryKey: queryKeys.teamStateOf(id, teamId), queryFn: () => api.get<TeamState>(`/exercises/${id}/state?teamId=${team(teamId)}`) }),
  reportGrades: (id: string) => queryOptions({ queryKey: queryKeys.reportGrades(id), queryFn: () => api.get<ReportGrades>(`/exercises/${id}/report-grades`) }),
  progress: (id: string) => queryOptions({ queryKey: queryKeys.progress(id), queryFn: () => api.get<TeamProgress[]>(`/exercises/${id}/progress`) }),
  scoreboard: (id: string) => queryOptions({ queryKey: queryKeys.scoreboard(id), queryFn: () => api.get<ScoreboardView>(`/exercises/${id}/scoreboard`) }),
  scenarios: () => queryOptions({ queryKey: queryKeys.scenarios(), queryFn: () => api.get<ScenarioSummary[]>('/scenarios') }),
  scenarioVersions: (scenarioId: string, library: string | null) =>
    queryOptions({
      queryKey: queryKeys.scenarioVersions(scenarioId, library),
      queryFn: () => api.get<ScenarioSummary[]>(`/scenarios/${scenarioId}/versions${library ? `?library=${library}` : ''}`),
    }),
  scenarioVersion: (scenarioId: string, versionId: string) =>
    queryOptions({
      queryKey: queryKeys.scenarioVersion(scenarioId, versionId),
      queryFn: () => api.get<ScenarioDetailDto>(`/scenarios/${scenarioId}/versions/${versionId}`),
    }),
  trainees: () => queryOptions({ queryKey: queryKeys.trainees(), queryFn: () => api.get<UserPage>('/users?limit=200&role=trainee') }),
  resultExercises: (query: string) =>
    queryOptions({ queryKey: queryKeys.resultExercises(query), queryFn: () => api.get<ExerciseList>(`/results/exercises${q(query)}`) }),
  resultExercise: (id: string) => queryOptions({ queryKey: queryKeys.resultExercise(id), queryFn: () => api.get<ExerciseResults>(`/results/exercises/${id}`) }),
  trends: (query: string) => queryOptions({ queryKey: queryKeys.trends(query), queryFn: () => api.get<Trends>(`/results/trends${q(query)}`) }),
  weaknesses: (by: string, exerciseIds: readonly string[]) =>
    queryOptions({
      queryKey: queryKeys.weaknesses(by, exerciseIds),
      queryFn: () => api.get<Weaknesses>(`/results/weaknesses?by=${by}${exerciseIds.length > 0 ? `&exerciseIds=${exerciseIds.join(',')}` : ''}`),
    }),
};

// Another user must never see this one's cached data: the cache goes when the signed-in user does.
let cachedFor = session.user?.id ?? null;
session.subscribe(() => {
  const now = session.user?.id ?? null;
  if (now === cachedFor) return;
  cachedFor = now;
  queryClient.clear();
});
