import { Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import type { StreamEvent } from '@contracts/exercise.schema.js';
import type { Text as Bilingual } from '@contracts/common.schema.js';
import { api } from '../api/api-client.js';
import { ErrorText } from '../components/error-text.js';
import { formatClock, pick } from '../lib/format.js';
import { PRACTICE_NS } from './practice-i18n.js';
import { practiceQueries } from './practice-queries.js';

/** The debrief's list of practice hints taken (practice runs only). */
export function PracticeHintsSection({ exerciseId, teamId }: { exerciseId: string; teamId: string }) {
  const { t, i18n } = useTranslation(PRACTICE_NS);
  const hints = useQuery(practiceQueries.hints(exerciseId, teamId));
  // The alerts named by the references the trainee's console showed.
  const events = useQuery({
    queryKey: ['exercise', exerciseId, 'practice-hint-alerts', teamId],
    queryFn: () => api.get<{ events: StreamEvent[] }>(`/exercises/${exerciseId}/events?teamId=${encodeURIComponent(teamId)}&limit=5000`),
    enabled: (hints.data?.hints.length ?? 0) > 0,
  });
  const titles = new Map((events.data?.events ?? []).map((e) => [e.eventId, e.alert.title as Bilingual | undefined]));
  const alertTitle = (ref: string): string | null => {
    const title = titles.get(ref);
    return title ? pick(title) : null;
  };
  return (
    <Paper withBorder p="sm" data-testid="practice-hints-debrief">
      <Stack gap="xs">
        <Title order={2} fz="h4">
          {t('hints.debriefTitle')}
        </Title>
        <Text fz="sm" c="dimmed">
          {t('hints.debriefNote')}
        </Text>
        <ErrorText error={hints.error} />
        {hints.data && hints.data.hints.length === 0 && <Text fz="sm">{t('hints.debriefEmpty')}</Text>}
        {hints.data && hints.data.hints.length > 0 && (
          <Table lang={i18n.language}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('hints.at')}</Table.Th>
                <Table.Th>{t('hints.alert')}</Table.Th>
                <Table.Th>{t('hints.taken')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {hints.data.hints.map((h, i) => (
                <Table.Tr key={`${h.atWall}-${i}`} data-testid="practice-hint-row">
                  <Table.Td ff="monospace">T+{formatClock(h.virtualMs)}</Table.Td>
                  <Table.Td>
                    {(h.alertId && alertTitle(h.alertId)) ?? h.alertId ?? '—'}
                    {h.phaseName && (
                      <Text fz="xs" c="dimmed">
                        {t('hints.stage')}: {pick(h.phaseName)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{pick(h.text)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}
