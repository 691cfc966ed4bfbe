import { Anchor, Badge, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { ExerciseList } from '@contracts/results.schema.js';
import { formatDateTime, formatIndex, pick } from '../lib/format.js';
import { PRACTICE_NS } from './practice-i18n.js';

/** Trainees' practice runs in the CIO's results: their own table, labelled, never in the graded rankings. */
export function PracticeRunsTable({ list }: { list: ExerciseList | null }) {
  const { t, i18n } = useTranslation(PRACTICE_NS);
  if (!list || list.practice.length === 0) return null;
  return (
    <Paper withBorder p="sm" data-testid="results-practice">
      <Stack gap="xs">
        <Title order={2} fz="h5">
          {t('results.title')} <Badge color="teal">{t('badge')}</Badge>
        </Title>
        <Text fz="sm" c="dimmed">
          {t('results.note')}
        </Text>
        <Table fz="sm" striped lang={i18n.language}>
          <Table.Tbody>
            {[...list.practice].reverse().map((e) => {
              const team = e.scores?.teams[0];
              return (
                <Table.Tr key={e.id} data-testid="results-practice-row">
                  <Table.Td>{formatDateTime(e.heldAt)}</Table.Td>
                  <Table.Td>
                    {e.scores ? (
                      <Anchor component={Link} to={`/results/exercises/${e.id}`}>
                        {pick(e.scenarioTitle)}
                      </Anchor>
                    ) : (
                      pick(e.scenarioTitle)
                    )}
                  </Table.Td>
                  <Table.Td>
                    {t('results.trainee')}: {team?.teamName ?? '—'}
                  </Table.Td>
                  <Table.Td>{e.units.map((u) => u.name).join(', ')}</Table.Td>
                  <Table.Td ta="right">
                    {t('results.index')}: {team ? formatIndex(team.index) : '—'}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Stack>
    </Paper>
  );
}
