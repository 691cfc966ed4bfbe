import { Badge, Button, Group, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { ExerciseDto } from '@contracts/exercise.schema.js';
import { useQuery } from '@tanstack/react-query';
import { queries } from '../api/queries.js';
import { AppLayout } from '../components/app-layout.js';
import { ErrorText } from '../components/error-text.js';
import { formatClock, formatDateTime, pick } from '../lib/format.js';
import { useSession } from '../realtime/hooks.js';
import { DEBRIEF_NS } from '../debrief/debrief-i18n.js';
import { PracticeCatalogue } from '../practice/practice-catalogue.js';
import { PRACTICE_NS } from '../practice/practice-i18n.js';

export const STATUS_COLOR: Record<ExerciseDto['status'], string> = { draft: 'gray', running: 'teal', paused: 'yellow', finished: 'blue', aborted: 'red' };

export function LobbyPage() {
  const { t, i18n } = useTranslation();
  const { user } = useSession();
  const { t: td } = useTranslation(DEBRIEF_NS);
  const { t: tp } = useTranslation(PRACTICE_NS);
  const trainee = user?.roles.includes('trainee') ?? false;
  // Poll slowly: the lobby is an overview, the console itself is live.
  const { data, error, isLoading } = useQuery({ ...queries.exercises(), refetchInterval: 5000 });
  const controls = user?.roles.some((r) => r === 'instructor' || r === 'admin') ?? false;
  return (
    <AppLayout>
      <Stack gap="sm" maw={1300} mx="auto" data-testid="lobby" data-loaded={data ? 'true' : 'false'}>
        <Group justify="space-between">
          <Title order={1} fz="h3">
            {t('lobby.title')}
          </Title>
          {controls && (
            <Button component={Link} to="/exercises/new" data-testid="new-exercise">
              {t('nav.newExercise')}
            </Button>
          )}
        </Group>
        {trainee && <PracticeCatalogue />}
        <ErrorText error={error} />
        {isLoading && <Loader aria-label={t('common.loading')} />}
        {data && data.length === 0 && <Text c="dimmed">{t('lobby.empty')}</Text>}
        {data && data.length > 0 && (
          <Paper withBorder>
            <Table striped highlightOnHover data-testid="exercise-list" lang={i18n.language}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('create.exerciseTitle')}</Table.Th>
                  <Table.Th>{t('lobby.scenario')}</Table.Th>
                  <Table.Th>{t('lobby.status')}</Table.Th>
                  <Table.Th>{t('lobby.clock')}</Table.Th>
                  <Table.Th>{controls ? t('lobby.teams') : t('lobby.myTeam')}</Table.Th>
                  <Table.Th>{t('lobby.created')}</Table.Th>
                  <Table.Th>{t('common.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.map((ex) => {
                  const myTeam = ex.teams.find((team) => team.id === ex.myTeamId);
                  return (
                    <Table.Tr key={ex.id} data-testid="exercise-row" data-exercise-id={ex.id}>
                      <Table.Td fw={600}>
                        {ex.title}{' '}
                        {ex.kind === 'practice' && (
                          <Badge color="teal" variant="light" data-testid="practice-badge">
                            {tp('badge')}
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {pick(ex.scenarioTitle)}{' '}
                        <Text span c="dimmed" fz="xs">
                          v{ex.scenarioVersion}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge color={STATUS_COLOR[ex.status]}>{t(`status.${ex.status}`)}</Badge>
                      </Table.Td>
                      <Table.Td ff="monospace">
                        {formatClock(ex.clock.virtualMs)} / {formatClock(ex.clock.durationMs)}
                      </Table.Td>
                      <Table.Td>{controls ? ex.teams.map((team) => team.name).join(', ') : (myTeam?.name ?? t('lobby.notInTeam'))}</Table.Td>
                      <Table.Td>{formatDateTime(ex.createdAt)}</Table.Td>
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          {ex.myTeamId && (
                            <Button size="xs" component={Link} to={`/exercises/${ex.id}/console`} data-testid="open-console">
                              {t('lobby.openConsole')}
                            </Button>
                          )}
                          {ex.status === 'finished' && ex.myTeamId && (
                            <Button size="xs" variant="light" color="teal" component={Link} to={`/exercises/${ex.id}/review`} data-testid="open-review">
                              {td('openShort')}
                            </Button>
                          )}
                          {controls && ex.status !== 'draft' && (
                            <Button size="xs" variant="light" color="teal" component={Link} to={`/exercises/${ex.id}/hotwash`} data-testid="open-hotwash">
                              {td('hotwash.open')}
                            </Button>
                          )}
                          {controls && (
                            <Button size="xs" variant="light" component={Link} to={`/exercises/${ex.id}/cockpit`} data-testid="open-cockpit">
                              {t('lobby.openCockpit')}
                            </Button>
                          )}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
      </Stack>
    </AppLayout>
  );
}
