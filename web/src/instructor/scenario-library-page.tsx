import { Badge, Button, Group, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatDuration } from '@contracts/common.schema.js';
import type { ScenarioSummary } from '@contracts/scenario-api.schema.js';
import { useQuery } from '@tanstack/react-query';
import { queries } from '../api/queries.js';
import { AppLayout } from '../components/app-layout.js';
import { ErrorText } from '../components/error-text.js';
import { formatNumber, pick } from '../lib/format.js';
import { CopyScenarioButton, scenarioPath } from './scenario-detail-page.js';

/** Whose a scenario is: the shared read-only library or the user's organisation, with its byline. */
export function LibraryBadge({ summary }: { summary: ScenarioSummary }) {
  const { t } = useTranslation();
  return (
    <Stack gap={2} align="flex-start">
      <Badge
        size="sm"
        variant={summary.library === 'shared' ? 'light' : 'filled'}
        color={summary.library === 'shared' ? 'gray' : 'blue'}
        data-testid="scenario-library"
      >
        {summary.library === 'shared' ? t('scenarios.shared') : t('scenarios.own')}
      </Badge>
      {summary.publishedBy && (
        <Text fz="xs" c="dimmed">
          {t('scenarios.publishedBy', { org: summary.publishedBy })}
        </Text>
      )}
      {summary.copiedFrom && (
        <Text fz="xs" c="dimmed">
          {t('scenarios.copiedFrom', { from: summary.copiedFrom })}
        </Text>
      )}
    </Stack>
  );
}

export function ScenarioLibraryPage() {
  const { t } = useTranslation();
  const { data, error, isLoading } = useQuery(queries.scenarios());
  return (
    <AppLayout>
      <Stack gap="sm" maw={1300} mx="auto">
        <Group justify="space-between">
          <Title order={1} fz="h3">
            {t('scenarios.title')}
          </Title>
          <Group gap="xs">
            <Button component={Link} to="/scenarios/import" variant="light" data-testid="import-scenario">
              {t('importer.open')}
            </Button>
            <Button component={Link} to="/scenarios/new" data-testid="upload-scenario">
              {t('scenarios.upload')}
            </Button>
          </Group>
        </Group>
        <ErrorText error={error} />
        {isLoading && <Loader aria-label={t('common.loading')} />}
        {data && (
          <Paper withBorder>
            <Table striped highlightOnHover data-testid="scenario-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('lobby.scenario')}</Table.Th>
                  <Table.Th>{t('scenarios.version')}</Table.Th>
                  <Table.Th>{t('scenarios.difficulty')}</Table.Th>
                  <Table.Th>{t('scenarios.duration')}</Table.Th>
                  <Table.Th>{t('scenarios.events')}</Table.Th>
                  <Table.Th>{t('scenarios.library')}</Table.Th>
                  <Table.Th>{t('common.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.map((s) => (
                  <Table.Tr key={s.versionId} data-testid="scenario-row" data-scenario-id={s.scenarioId} data-library={s.library}>
                    <Table.Td>
                      <Text fw={600} fz="sm">
                        {pick(s.title)}
                      </Text>
                      <Text fz="xs" c="dimmed" lineClamp={2}>
                        {pick(s.description)}
                      </Text>
                      <Group gap={4} mt={2}>
                        {s.tags.slice(0, 6).map((tag) => (
                          <Badge key={tag} size="xs" variant="outline">
                            {tag}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td ff="monospace">{s.version}</Table.Td>
                    <Table.Td>{t(`difficulty.${s.difficulty}`, { defaultValue: s.difficulty })}</Table.Td>
                    <Table.Td>{formatDuration(s.durationSeconds)}</Table.Td>
                    <Table.Td>{formatNumber(s.eventCount)}</Table.Td>
                    <Table.Td>
                      <LibraryBadge summary={s} />
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Button size="xs" variant="light" component={Link} to={scenarioPath(s)}>
                          {t('common.open')}
                        </Button>
                        <Button size="xs" component={Link} to={`/exercises/new?versionId=${s.versionId}`} data-testid="scenario-create-exercise">
                          {t('scenarios.createExercise')}
                        </Button>
                        {s.library === 'shared' && <CopyScenarioButton summary={s} size="xs" />}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
      </Stack>
    </AppLayout>
  );
}
