import { Anchor, Badge, Button, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import type { ExerciseDto } from '@contracts/exercise.schema.js';
import type { AfterActionReview } from '@contracts/scoring.schema.js';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { queries, queryKeys } from '../api/queries.js';
import { AppLayout } from '../components/app-layout.js';
import { ErrorText } from '../components/error-text.js';
import { STATUS_COLOR } from '../pages/lobby-page.js';
import { DEBRIEF_NS } from './debrief-i18n.js';
import { clock, mostLateReports, mostMissed, ReviewNames, reviewNotes, stageRows } from './review-model.js';
import './debrief.css';

const DIVERGENCES_SHOWN = 6;

const lost = (n: { points: number; maxPoints: number }): number => (n.maxPoints > 0 ? n.maxPoints - n.points : -n.points);

/** Every team's review: all of them or none (a refetch that fails keeps the last ones and shows the error). */
function useTeamReviews(exercise: ExerciseDto | undefined, refetchInterval: number | false): { reviews: AfterActionReview[] | null; error: Error | null } {
  return useQueries({
    queries: exercise ? exercise.teams.map((team) => ({ ...queries.review(exercise.id, team.id), refetchInterval })) : [],
    combine: (results) => ({
      reviews: exercise && results.every((r) => r.data !== undefined) ? results.map((r) => r.data!) : null,
      error: results.find((r) => r.error !== null)?.error ?? null,
    }),
  });
}

/**
 * The hot-wash (họp rút kinh nghiệm) for instructors: teams side by side per attack stage, the alerts
 * most missed and reports most often late across teams, and each team's divergences from the ideal
 * path. Large type; "full screen" drops the app's chrome and turns to high contrast for a projector.
 */
export function HotwashPage() {
  const { exerciseId = '' } = useParams();
  const { t, i18n } = useTranslation(DEBRIEF_NS);
  const { t: tt } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const queryClient = useQueryClient();
  const exercise = useQuery(queries.exercise(exerciseId));
  const ex = exercise.data;
  const live = ex?.status === 'running' || ex?.status === 'paused';
  // While the run goes on the figures move: refresh every 30 s (reviews are computed per team).
  const { reviews, error } = useTeamReviews(ex, live ? 30_000 : false);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: queryKeys.exercise(exerciseId) });
  const [projected, setProjected] = useState(false);

  useEffect(() => {
    const onChange = () => {
      if (!document.fullscreenElement) setProjected(false);
    };
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);
  function toggleProjected() {
    const next = !projected;
    setProjected(next);
    // The browser may refuse (no user gesture, iframe): the high-contrast page still fills the window.
    if (next) void document.documentElement.requestFullscreen?.().catch(() => undefined);
    else if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  }

  const stagesByTeam = useMemo(() => (reviews ?? []).map((r) => ({ review: r, rows: stageRows(r, lang) })), [reviews, lang]);
  const missed = useMemo(() => mostMissed(reviews ?? [], lang), [reviews, lang]);
  const lateReports = useMemo(() => mostLateReports(reviews ?? [], (r) => new ReviewNames(r, t, tt, lang)), [reviews, t, tt, lang]);
  const divergences = useMemo(
    () =>
      (reviews ?? []).map((r) => {
        const off = reviewNotes(r, t, tt, lang).filter((n) => n.kind === 'missed' || n.kind === 'late' || n.kind === 'wrong');
        // Missed alerts are counted across teams above; here the responses, reports and harmful actions, costliest first.
        const notes = off.filter((n) => !n.id.startsWith('missed:')).sort((a, b) => lost(b) - lost(a));
        return { review: r, notes, missedAlerts: off.length - notes.length };
      }),
    [reviews, t, tt, lang],
  );
  const teamCount = ex?.teams.length ?? 0;
  const stages = stagesByTeam[0]?.rows ?? [];

  const body = (
    <Stack
      gap="md"
      className={projected ? 'hotwash hotwash-projected' : 'hotwash'}
      data-testid="hotwash"
      data-loaded={reviews ? 'true' : 'false'}
      data-projected={projected ? 'true' : 'false'}
      lang={lang}
    >
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
          <div style={{ minWidth: 0 }}>
            <Title order={1}>{t('hotwash.title')}</Title>
            {ex && (
              <Text fz="1.1em" className="hotwash-dim" lineClamp={2}>
                {ex.title}
              </Text>
            )}
          </div>
          {ex && (
            <Badge size="lg" color={STATUS_COLOR[ex.status]}>
              {tt(`status.${ex.status}`)}
            </Badge>
          )}
        </Group>
        <Group gap="xs" wrap="nowrap">
          {!projected && ex && (
            <>
              <Button variant="default" component={Link} to={`/exercises/${exerciseId}/cockpit`}>
                {t('cockpit')}
              </Button>
              <Button variant="default" component={Link} to={`/results/exercises/${exerciseId}`}>
                {t('hotwash.results')}
              </Button>
            </>
          )}
          <Button variant="light" onClick={refresh}>
            {t('hotwash.refresh')}
          </Button>
          <Button onClick={toggleProjected} data-testid="hotwash-fullscreen">
            {t(projected ? 'hotwash.exitFullscreen' : 'hotwash.fullscreen')}
          </Button>
        </Group>
      </Group>
      {live && <Text className="hotwash-dim">{t('live')}</Text>}
      <ErrorText error={exercise.error ?? error} />
      {!reviews && !error && (
        <Group>
          <Loader />
          <Text>{t('hotwash.loadingTeams')}</Text>
        </Group>
      )}
      {reviews && (
        <>
          <Paper withBorder p="md">
            <Title order={2} mb="sm">
              {t('hotwash.stages')}
            </Title>
            <Table withColumnBorders data-testid="hotwash-stages">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('stages.stage')}</Table.Th>
                  {reviews.map((r) => (
                    <Table.Th key={r.teamId} data-testid="hotwash-team">
                      {r.teamName}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {stages.map((stage, i) => (
                  <Table.Tr key={stage.phaseId}>
                    <Table.Td fw={700}>{stage.name}</Table.Td>
                    {stagesByTeam.map(({ review, rows }) => {
                      const row = rows[i];
                      if (!row || row.reachedMs === null)
                        return (
                          <Table.Td key={review.teamId} className="hotwash-dim">
                            {t('hotwash.notReached')}
                          </Table.Td>
                        );
                      return (
                        <Table.Td key={review.teamId}>
                          <div>{t('hotwash.reached', { time: clock(row.reachedMs) })}</div>
                          <div
                            style={{
                              fontWeight: 700,
                              color:
                                row.containedMs === null
                                  ? 'var(--mantine-color-red-6)'
                                  : row.containedMs === undefined
                                    ? undefined
                                    : 'var(--mantine-color-teal-6)',
                            }}
                          >
                            {row.containedMs === undefined
                              ? ''
                              : row.containedMs === null
                                ? t('hotwash.notContained', { n: row.containTaken, total: row.containTotal })
                                : t('hotwash.contained', { time: clock(row.containedMs) })}
                          </div>
                          {row.consequences.length > 0 && (
                            <div
                              className="hotwash-dim"
                              style={{ fontSize: '0.85em', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', maxWidth: '32em' }}
                              title={row.consequences.join('\n')}
                            >
                              {t('hotwash.consequences', { n: row.consequences.length })}: {row.consequences[row.consequences.length - 1]}
                            </div>
                          )}
                        </Table.Td>
                      );
                    })}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>

          <SimpleGrid cols={2} spacing="md">
            <CrossTeamList title={t('hotwash.mostMissed')} rows={missed} total={teamCount} testId="hotwash-missed" />
            <CrossTeamList title={t('hotwash.mostLate')} rows={lateReports} total={teamCount} testId="hotwash-late" />
          </SimpleGrid>

          <Paper withBorder p="md">
            <Title order={2} mb="sm">
              {t('hotwash.divergences')}
            </Title>
            <SimpleGrid cols={Math.min(Math.max(divergences.length, 1), 3)} spacing="md" data-testid="hotwash-divergences">
              {divergences.map(({ review, notes, missedAlerts }) => (
                <div key={review.teamId}>
                  <Group gap="xs" mb={4}>
                    <Text fw={700} fz="1.2em">
                      {review.teamName}
                    </Text>
                    {!projected && (
                      <Anchor component={Link} to={`/exercises/${exerciseId}/teams/${encodeURIComponent(review.teamId)}/review`} fz="sm">
                        {t('openShort')}
                      </Anchor>
                    )}
                  </Group>
                  {notes.length === 0 && missedAlerts === 0 && <Text className="hotwash-dim">{t('hotwash.perfect')}</Text>}
                  {missedAlerts > 0 && (
                    <Text fw={700} mb={4}>
                      {t('hotwash.missedAlerts', { n: missedAlerts })}
                    </Text>
                  )}
                  <ul style={{ margin: 0, paddingLeft: '1.2em' }}>
                    {notes.slice(0, DIVERGENCES_SHOWN).map((n) => (
                      <li key={n.id} style={{ marginBottom: 4 }}>
                        <Badge size="sm" variant="filled" color={n.kind === 'missed' ? 'red' : n.kind === 'late' ? 'orange' : 'yellow'} mr={6}>
                          {t(`kinds.${n.kind}`)}
                        </Badge>
                        {n.text}
                      </li>
                    ))}
                  </ul>
                  {notes.length > DIVERGENCES_SHOWN && <Text className="hotwash-dim">{t('hotwash.more', { n: notes.length - DIVERGENCES_SHOWN })}</Text>}
                </div>
              ))}
            </SimpleGrid>
          </Paper>
        </>
      )}
    </Stack>
  );
  return projected ? body : <AppLayout>{body}</AppLayout>;
}

function CrossTeamList({ title, rows, total, testId }: { title: string; rows: ReturnType<typeof mostMissed>; total: number; testId: string }) {
  const { t } = useTranslation(DEBRIEF_NS);
  return (
    <Paper withBorder p="md">
      <Title order={2} mb="sm">
        {title}
      </Title>
      {rows.length === 0 && <Text className="hotwash-dim">{t('hotwash.none')}</Text>}
      <Table data-testid={testId}>
        <Table.Tbody>
          {rows.slice(0, 8).map((row) => (
            <Table.Tr key={row.key}>
              <Table.Td>{row.label}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }} fw={700}>
                {t('hotwash.teams', { n: row.teams.length, total })}
              </Table.Td>
              <Table.Td className="hotwash-dim" fz="0.85em">
                {row.teams.map((name, i) => (
                  <span key={name} style={{ whiteSpace: 'nowrap' }}>
                    {i > 0 ? ', ' : ''}
                    {name}
                  </span>
                ))}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
