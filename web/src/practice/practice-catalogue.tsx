import { Badge, Button, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { ExerciseDto } from '@contracts/exercise.schema.js';
import { api } from '../api/api-client.js';
import { ErrorText } from '../components/error-text.js';
import { pick } from '../lib/format.js';
import { PRACTICE_NS } from './practice-i18n.js';
import { practiceQueries } from './practice-queries.js';

const SPEEDS = ['1', '5', '10', '20', '50'];

/** The trainee's practice catalogue in the lobby: what their organisation opened, and their open run. */
export function PracticeCatalogue() {
  const { t, i18n } = useTranslation(PRACTICE_NS);
  const navigate = useNavigate();
  const catalogue = useQuery(practiceQueries.catalogue());
  const [speeds, setSpeeds] = useState<Record<string, string>>({});
  const start = useMutation({
    mutationFn: (body: { scenarioVersionId: string; speed: number }) => api.post<ExerciseDto>('/practice/runs', body),
    onSuccess: (run) => void navigate(`/exercises/${run.id}/console`),
  });
  const data = catalogue.data;
  return (
    <Paper withBorder p="sm" data-testid="practice-catalogue" data-loaded={data ? 'true' : 'false'}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2} fz="h5">
            {t('catalogue.title')}
          </Title>
          {data?.activeExerciseId && (
            <Button size="xs" component={Link} to={`/exercises/${data.activeExerciseId}/console`} data-testid="practice-resume">
              {t('catalogue.resume')}
            </Button>
          )}
        </Group>
        <Text fz="sm" c="dimmed">
          {t('catalogue.intro')} {data ? t('catalogue.oneAtATime', { minutes: data.idleTimeoutMinutes }) : ''}
        </Text>
        <ErrorText error={catalogue.error ?? start.error} />
        {data && data.scenarios.length === 0 && <Text fz="sm">{t('catalogue.empty')}</Text>}
        {data && data.scenarios.length > 0 && (
          <Table lang={i18n.language} data-testid="practice-scenarios">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('catalogue.scenario')}</Table.Th>
                <Table.Th>{t('catalogue.duration')}</Table.Th>
                <Table.Th>{t('catalogue.hints')}</Table.Th>
                <Table.Th>{t('catalogue.speed')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.scenarios.map((s) => (
                <Table.Tr key={s.scenarioVersionId} data-testid="practice-scenario" data-scenario-id={s.scenarioId}>
                  <Table.Td fw={600}>
                    {pick(s.title)}{' '}
                    <Text span c="dimmed" fz="xs">
                      v{s.version}
                    </Text>
                  </Table.Td>
                  <Table.Td>{t('catalogue.minutes', { count: Math.round(s.durationS / 60) })}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={s.hasPracticeHints ? 'teal' : 'gray'}>
                      {s.hasPracticeHints ? t('catalogue.hasHints') : t('catalogue.noHints')}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Select
                      size="xs"
                      w={90}
                      aria-label={t('catalogue.speed')}
                      data={SPEEDS.map((v) => ({ value: v, label: `${v}×` }))}
                      value={speeds[s.scenarioVersionId] ?? '10'}
                      onChange={(v) => setSpeeds((all) => ({ ...all, [s.scenarioVersionId]: v ?? '10' }))}
                      allowDeselect={false}
                      data-testid="practice-speed"
                    />
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      disabled={data.activeExerciseId !== null}
                      loading={start.isPending && start.variables?.scenarioVersionId === s.scenarioVersionId}
                      onClick={() => start.mutate({ scenarioVersionId: s.scenarioVersionId, speed: Number(speeds[s.scenarioVersionId] ?? '10') })}
                      data-testid="practice-start"
                    >
                      {t('catalogue.start')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}
