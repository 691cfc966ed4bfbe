import { Badge, Group, Paper, SegmentedControl, Switch, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ExerciseDto } from '@contracts/exercise.schema.js';
import type { ScoreboardView } from '@contracts/scoring.schema.js';
import { api } from '../api/api-client.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { queries, queryKeys } from '../api/queries.js';
import { ErrorText, isMissingEndpoint } from '../components/error-text.js';
import { formatNumber } from '../lib/format.js';
import { COMPONENT_COLORS } from '../lib/component-colors.js';
import type { ExerciseLive } from '../realtime/realtime-hub.js';

const COMPONENTS = ['detection', 'response', 'coordination', 'incident'] as const;

/** The newer of the pushed board and the fetched one. */
export function newestBoard(pushed: ScoreboardView | null, fetched: ScoreboardView | undefined): ScoreboardView | null {
  return [pushed, fetched].filter((v): v is ScoreboardView => v != null).sort((a, b) => b.computedAt.localeCompare(a.computedAt))[0] ?? null;
}

/** Live scoreboard: pushed over the socket (`exercise:scores`), fetched once and on every team action. */
export function Scoreboard({ exercise, live }: { exercise: ExerciseDto; live: ExerciseLive }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const fetched = useQuery(queries.scoreboard(exercise.id));
  const newest = newestBoard(live.scores, fetched.data);
  const rows = newest?.rows ?? [];
  const settings = useMutation({
    mutationFn: (body: { visibility?: string; frozen?: boolean }) => api.post<ScoreboardView>(`/exercises/${exercise.id}/scoreboard`, body),
    onSuccess: (view) => live.setScores(view),
    // Refused: show the board as the server has it.
    onError: () => queryClient.invalidateQueries({ queryKey: queryKeys.scoreboard(exercise.id) }),
  });
  const control = (body: { visibility?: string; frozen?: boolean }) => settings.mutate(body);

  return (
    <Paper withBorder p="sm" data-testid="scoreboard">
      <Group justify="space-between" mb="xs">
        <Title order={2} fz="md">
          {t('cockpit.scoreboard')}
        </Title>
        {newest && (
          <Group gap="xs">
            <Badge variant="light" color={newest.source === 'live' ? 'teal' : 'blue'}>
              {t(`cockpit.source.${newest.source}`)}
            </Badge>
            <SegmentedControl
              size="xs"
              value={newest.visibility}
              onChange={(v) => void control({ visibility: v })}
              aria-label={t('create.visibility')}
              data={(['none', 'own', 'rank', 'full'] as const).map((v) => ({ value: v, label: t(`create.vis.${v}`) }))}
            />
            <Switch size="xs" label={t('cockpit.freeze')} checked={newest.frozen} onChange={(e) => void control({ frozen: e.currentTarget.checked })} />
          </Group>
        )}
      </Group>
      {fetched.error !== null &&
        !newest &&
        (isMissingEndpoint(fetched.error) ? (
          <Text c="dimmed" fz="sm" data-testid="no-scoring">
            {t('cockpit.noScoring', { code: (fetched.error as { code?: string }).code ?? '404' })}
          </Text>
        ) : (
          <ErrorText error={fetched.error} />
        ))}
      {rows.length > 0 && (
        <>
          <Table fz="sm" mb="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('cockpit.rank')}</Table.Th>
                <Table.Th>{t('common.team')}</Table.Th>
                <Table.Th>{t('cockpit.total')}</Table.Th>
                {COMPONENTS.map((c) => (
                  <Table.Th key={c}>{t(`cockpit.components.${c}`)}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.teamId} data-testid="score-row" data-team-id={row.teamId}>
                  <Table.Td>{row.rank}</Table.Td>
                  <Table.Td>{row.teamName}</Table.Td>
                  <Table.Td fw={700} data-testid="score-total">
                    {formatNumber(row.total, 1)}
                  </Table.Td>
                  {COMPONENTS.map((c) => (
                    <Table.Td key={c}>{formatNumber(row.components[c], 1)}</Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <div style={{ width: '100%', height: 60 + rows.length * 34 }}>
            <ResponsiveContainer>
              <BarChart data={rows.map((row) => ({ name: row.teamName, ...row.components }))} layout="vertical" margin={{ left: 10, right: 10 }}>
                <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
                <XAxis type="number" domain={[0, 1000]} tickFormatter={(v: number) => formatNumber(v)} />
                <YAxis type="category" dataKey="name" width={90} />
                <Tooltip formatter={(v) => formatNumber(Number(v), 1)} />
                <Legend />
                {COMPONENTS.map((c) => (
                  <Bar key={c} dataKey={c} name={t(`cockpit.components.${c}`)} stackId="s" fill={COMPONENT_COLORS[c]} isAnimationActive={false} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
        </>
      )}
    </Paper>
  );
}

/** The trainee's own score, as the exercise's score visibility allows (nothing when hidden or missing). */
export function OwnScoreBadge({ exerciseId, live }: { exerciseId: string; live: ExerciseLive }) {
  const { t } = useTranslation();
  const fetched = useQuery(queries.scoreboard(exerciseId));
  const view = newestBoard(live.scores, fetched.data);
  const own = view?.own;
  if (!own || (own.total === null && own.rank === null)) return null;
  return (
    <Badge variant="light" color="grape" size="lg" data-testid="own-score">
      {own.total !== null ? `${t('cockpit.total')}: ${formatNumber(own.total, 1)}` : ''}
      {own.total !== null && own.rank !== null ? ' · ' : ''}
      {own.rank !== null ? `${t('cockpit.rank')} ${own.rank}/${view!.teamCount}` : ''}
    </Badge>
  );
}
