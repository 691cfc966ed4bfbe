import { Alert, Button, Group, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { queries } from '../api/queries.js';
import { newestBoard } from '../instructor/scoreboard.js';
import { formatNumber } from '../lib/format.js';
import type { ExerciseEnd } from '../realtime/exercise-end.js';
import type { ExerciseLive } from '../realtime/realtime-hub.js';
import { DEBRIEF_NS } from '../debrief/debrief-i18n.js';
import { useVirtualTime } from '../lib/virtual-time.js';
import { PRACTICE_NS } from '../practice/practice-i18n.js';

/**
 * The console's end screen: that the exercise is over, why, and the final totals as far as the
 * score visibility lets this trainee see them. A refused or empty scoreboard shows no score at all
 * (and no error: seeing nothing is what visibility "none" means).
 */
export function EndBanner({ end, exerciseId, live, practice = false }: { end: ExerciseEnd; exerciseId: string; live: ExerciseLive; practice?: boolean }) {
  const { t } = useTranslation();
  const { t: tp } = useTranslation(PRACTICE_NS);
  const time = useVirtualTime();
  const { t: td } = useTranslation(DEBRIEF_NS);
  // Refetched when the final scores are pushed (`exercise:scores` after the end invalidates the board).
  const fetched = useQuery(queries.scoreboard(exerciseId));
  const view = newestBoard(live.scores, fetched.data);
  const own = view?.own ?? null;
  const showOwn = own !== null && (own.total !== null || own.rank !== null);
  return (
    <Alert
      color={end.reason === 'aborted' ? 'red' : 'blue'}
      variant="light"
      mb={6}
      p="xs"
      title={t('ended.title')}
      role="status"
      data-testid="end-banner"
      data-reason={end.reason}
    >
      <Group gap="md" align="flex-start" wrap="nowrap" justify="space-between">
        <div>
          <Text fz="sm" fw={600} data-testid="end-reason">
            {/* A practice run is ended by its trainee or by the idle timeout, never by organisers. */}
            {practice && end.reason === 'finished' ? tp('ended') : t(`ended.reasons.${end.reason}`)} {t('ended.at', { time: time(end.virtualMs) })}
          </Text>
          <Text fz="sm">{t('ended.locked')}</Text>
          {/* The review opens once the exercise is finished (an aborted run has none for trainees). */}
          {end.reason !== 'aborted' && (
            <Button size="xs" mt={6} component={Link} to={`/exercises/${exerciseId}/review`} data-testid="open-review">
              {td('open')}
            </Button>
          )}
        </div>
        {view && showOwn && (
          <Text fz="lg" fw={700} data-testid="end-own-score" style={{ whiteSpace: 'nowrap' }}>
            {own.total !== null ? t('ended.total', { total: formatNumber(own.total, 1) }) : ''}
            {own.total !== null && own.rank !== null ? ' · ' : ''}
            {own.rank !== null ? t('ended.rank', { rank: own.rank, count: view.teamCount }) : ''}
            <Text span fz="xs" c="dimmed" fw={400}>
              {' '}
              ({t(`ended.source.${view.source}`)})
            </Text>
          </Text>
        )}
      </Group>
      {view && view.rows.length > 0 && (
        <Table fz="xs" mt={4} maw={520} verticalSpacing={1} data-testid="end-board" aria-label={t('ended.board')}>
          <Table.Tbody>
            {view.rows.map((row) => (
              <Table.Tr key={row.teamId} fw={row.teamId === own?.teamId ? 700 : undefined}>
                <Table.Td w={40}>{row.rank}</Table.Td>
                <Table.Td>{row.teamName}</Table.Td>
                <Table.Td ta="right">{formatNumber(row.total, 1)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Alert>
  );
}
