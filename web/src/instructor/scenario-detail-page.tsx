import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Loader,
  Modal,
  Paper,
  ScrollArea,
  Select,
  Spoiler,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { Text as BiText } from '@contracts/common.schema.js';
import { formatDuration } from '@contracts/common.schema.js';
import type { ScenarioSummary } from '@contracts/scenario-api.schema.js';
import { api } from '../api/api-client.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { queries, queryKeys } from '../api/queries.js';
import { AppLayout } from '../components/app-layout.js';
import { ErrorText } from '../components/error-text.js';
import { SolverPanel } from './solver-panel.js';
import { formatClock, formatDateTime, pick } from '../lib/format.js';
import { PracticeOpeningToggle } from '../practice/practice-openings.js';

function timeRef(ref: unknown): string {
  if (typeof ref === 'number') return formatClock(ref * 1000);
  if (ref && typeof ref === 'object' && 'event' in ref) {
    const r = ref as { event: string; plus?: number };
    return `${r.event}${r.plus ? ` + ${formatDuration(r.plus)}` : ''}`;
  }
  return '';
}

/** Where a scenario's page is: an own scenario and a shared one may share an id, so shared ones say so. */
export function scenarioPath(summary: Pick<ScenarioSummary, 'scenarioId' | 'library'>): string {
  return `/scenarios/${summary.scenarioId}${summary.library === 'shared' ? '?library=shared' : ''}`;
}

function originLabel(t: (key: string) => string, origin: ScenarioSummary['origin']): string {
  switch (origin) {
    case 'bundled':
      return t('scenarios.bundled');
    case 'upload':
      return t('scenarios.uploaded');
    case 'copy':
      return t('scenarios.originCopy');
    case 'published':
      return t('scenarios.originPublished');
    default: {
      const unknown: never = origin;
      return String(unknown);
    }
  }
}

/** Copies a (shared) version into the user's organisation, under its id or one the user picks. */
export function CopyScenarioButton({ summary, size = 'sm' }: { summary: ScenarioSummary; size?: 'xs' | 'sm' }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [id, setId] = useState(summary.scenarioId);
  const copy = useMutation({
    mutationFn: () =>
      api.post<ScenarioSummary>(`/scenarios/${summary.scenarioId}/versions/${summary.versionId}/copy`, id === summary.scenarioId ? {} : { scenarioId: id }),
    onSuccess: (copied) => {
      notifications.show({ color: 'teal', message: t('scenarios.copied', { id: copied.scenarioId }) });
      setOpen(false);
      void queryClient.invalidateQueries({ queryKey: queryKeys.scenarios() });
      void navigate(scenarioPath(copied));
    },
  });
  return (
    <>
      <Button size={size} variant="default" onClick={() => setOpen(true)} data-testid="scenario-copy">
        {t('scenarios.copy')}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('scenarios.copyTitle')}>
        <Stack gap="sm">
          <Text fz="sm">{t('scenarios.copyHelp')}</Text>
          <TextInput label={t('scenarios.copyId')} value={id} onChange={(e) => setId(e.currentTarget.value.trim())} data-testid="scenario-copy-id" />
          <ErrorText error={copy.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </Button>
            <Button onClick={() => copy.mutate()} loading={copy.isPending} disabled={!id} data-testid="scenario-copy-confirm">
              {t('scenarios.copy')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** Publishes one of the organisation's versions to the shared library, after saying what that means. */
function PublishScenarioButton({ summary }: { summary: ScenarioSummary }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const publish = useMutation({
    mutationFn: () => api.post<ScenarioSummary>(`/scenarios/${summary.scenarioId}/versions/${summary.versionId}/publish`),
    onSuccess: (published) => {
      notifications.show({ color: 'teal', message: t('scenarios.published', { id: published.scenarioId, version: published.version }) });
      setOpen(false);
      void queryClient.invalidateQueries({ queryKey: queryKeys.scenarios() });
    },
  });
  return (
    <>
      <Button variant="default" onClick={() => setOpen(true)} data-testid="scenario-publish">
        {t('scenarios.publish')}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('scenarios.publish')}>
        <Stack gap="sm">
          <Text fz="sm">{t('scenarios.publishConfirm', { version: summary.version })}</Text>
          <ErrorText error={publish.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </Button>
            <Button onClick={() => publish.mutate()} loading={publish.isPending} data-testid="scenario-publish-confirm">
              {t('scenarios.publish')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

export function ScenarioDetailPage() {
  const { scenarioId = '' } = useParams();
  const [search] = useSearchParams();
  const library = search.get('library') === 'shared' ? 'shared' : null;
  const { t } = useTranslation();
  const versions = useQuery(queries.scenarioVersions(scenarioId, library));
  const [versionId, setVersionId] = useState<string | null>(null);
  useEffect(() => {
    // Newest version number first.
    if (!versionId && versions.data?.length) setVersionId(versions.data[0]!.versionId);
  }, [versions.data, versionId]);
  const detail = useQuery({ ...queries.scenarioVersion(scenarioId, versionId ?? ''), enabled: versionId !== null });
  const d = detail.data;
  const sc = d?.scenario;
  const parties = new Map((sc?.parties ?? []).map((p) => [p.id, pick(p.name as BiText)]));
  return (
    <AppLayout>
      <Stack gap="sm">
        <ErrorText error={versions.error ?? detail.error} />
        {!d && <Loader aria-label={t('common.loading')} />}
        {d && sc && (
          <>
            <Group justify="space-between" wrap="nowrap">
              <div>
                <Title order={1} fz="h3" data-testid="scenario-title">
                  {pick(d.title)}
                </Title>
                <Text fz="sm" c="dimmed">
                  {d.scenarioId} · v{d.version} · {formatDuration(d.durationSeconds)} · {t(`difficulty.${d.difficulty}`, { defaultValue: d.difficulty })} ·{' '}
                  {formatDateTime(d.createdAt)}
                </Text>
                <Group gap="xs" mt={4}>
                  <Badge
                    size="sm"
                    variant={d.library === 'shared' ? 'light' : 'filled'}
                    color={d.library === 'shared' ? 'gray' : 'blue'}
                    data-testid="scenario-library"
                  >
                    {d.library === 'shared' ? t('scenarios.shared') : t('scenarios.own')}
                  </Badge>
                  {d.publishedBy && (
                    <Text fz="xs" c="dimmed">
                      {t('scenarios.publishedBy', { org: d.publishedBy })}
                    </Text>
                  )}
                  {d.copiedFrom && (
                    <Text fz="xs" c="dimmed">
                      {t('scenarios.copiedFrom', { from: d.copiedFrom })}
                    </Text>
                  )}
                </Group>
              </div>
              <Group wrap="nowrap" style={{ flexShrink: 0 }}>
                <Select
                  aria-label={t('scenarios.versions')}
                  data={(versions.data ?? []).map((v) => ({ value: v.versionId, label: `v${v.version} (${originLabel(t, v.origin)})` }))}
                  value={versionId}
                  onChange={setVersionId}
                  allowDeselect={false}
                />
                {d.library === 'own' && (
                  <Button variant="light" component={Link} to={`/scenarios/${scenarioId}/edit/${d.versionId}`} data-testid="scenario-edit">
                    {t('scenarios.edit')}
                  </Button>
                )}
                {d.library === 'own' && <PublishScenarioButton summary={d} />}
                {d.library === 'shared' && <CopyScenarioButton summary={d} />}
                <Button component={Link} to={`/exercises/new?versionId=${d.versionId}`}>
                  {t('scenarios.createExercise')}
                </Button>
              </Group>
            </Group>
            {d.library === 'shared' && (
              <Alert color="gray" data-testid="scenario-read-only">
                {t('scenarios.readOnly')}
              </Alert>
            )}
            <PracticeOpeningToggle versionId={d.versionId} />
            <Spoiler maxHeight={44} showLabel={t('common.more')} hideLabel={t('common.less')}>
              <Text fz="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {pick(d.description)}
              </Text>
            </Spoiler>
            <Tabs defaultValue="timeline" keepMounted={false}>
              <Tabs.List>
                <Tabs.Tab value="timeline">
                  {t('scenarios.timeline')} ({sc.timeline.length})
                </Tabs.Tab>
                <Tabs.Tab value="key">{t('scenarios.answerKey')}</Tabs.Tab>
                <Tabs.Tab value="injects">
                  {t('scenarios.injects')} ({sc.injects.length})
                </Tabs.Tab>
                <Tabs.Tab value="parties">{t('scenarios.parties')}</Tabs.Tab>
                <Tabs.Tab value="source">{t('scenarios.source')}</Tabs.Tab>
                <Tabs.Tab value="solver" data-testid="solver-tab">
                  {t('solver.tab')}
                </Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="solver" pt="xs">
                <SolverPanel scenarioId={scenarioId} versionId={d.versionId} />
              </Tabs.Panel>
              <Tabs.Panel value="timeline" pt="xs">
                <ScrollArea h="calc(100vh - 270px)">
                  <Table fz="xs" striped stickyHeader data-testid="scenario-timeline">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('scenarios.at')}</Table.Th>
                        <Table.Th>ID</Table.Th>
                        <Table.Th>{t('layer.label')}</Table.Th>
                        <Table.Th>{t('sensor.label')}</Table.Th>
                        <Table.Th>{t('queue.alert')}</Table.Th>
                        <Table.Th>{t('verdict.label')}</Table.Th>
                        <Table.Th>{t('severity.label')}</Table.Th>
                        <Table.Th>{t('scenarios.routing')}</Table.Th>
                        <Table.Th>{t('triage.incident')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {sc.timeline.map((e) => (
                        <Table.Tr key={e.id}>
                          <Table.Td ff="monospace">
                            {e.at !== undefined ? formatClock(e.at * 1000) : ''}
                            {e.after ? ` ⟵ ${e.after.trigger}` : ''}
                          </Table.Td>
                          <Table.Td ff="monospace">{e.id}</Table.Td>
                          <Table.Td>{e.layer}</Table.Td>
                          <Table.Td>{t(`sensor.${e.sensor}`, { defaultValue: e.sensor })}</Table.Td>
                          <Table.Td>{pick(e.title)}</Table.Td>
                          <Table.Td>
                            <Badge size="xs" color={e.answer.verdict === 'true-positive' ? 'red' : 'gray'}>
                              {t(`verdict.${e.answer.verdict}`)}
                            </Badge>
                          </Table.Td>
                          <Table.Td>{t(`severity.${e.answer.severity}`)}</Table.Td>
                          <Table.Td>{e.answer.routing.map((id) => parties.get(id) ?? id).join('; ')}</Table.Td>
                          <Table.Td>{e.answer.incident ?? ''}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </ScrollArea>
              </Tabs.Panel>
              <Tabs.Panel value="key" pt="xs">
                <ScrollArea h="calc(100vh - 270px)">
                  <Stack gap="sm">
                    <Paper withBorder p="sm">
                      <Title order={2} fz="sm" mb="xs">
                        {t('scenarios.incidents')}
                      </Title>
                      {sc.incidents.map((i) => (
                        <Text key={i.id} fz="sm">
                          • <b>{i.id}</b> {pick(i.title)} — {t(`severity.${i.severity}`)} · {t(`incident.${i.legalClass}`)} · {i.assets.join(', ')}
                        </Text>
                      ))}
                    </Paper>
                    <Paper withBorder p="sm">
                      <Title order={2} fz="sm" mb="xs">
                        {t('scenarios.responses')}
                      </Title>
                      <Table fz="xs">
                        <Table.Tbody>
                          {sc.responses.map((r) => (
                            <Table.Tr key={r.id}>
                              <Table.Td>{t(`response.actions.${r.action}`)}</Table.Td>
                              <Table.Td ff="monospace">{r.target ?? '*'}</Table.Td>
                              <Table.Td>
                                {timeRef(r.from)} → {timeRef(r.deadline)}
                              </Table.Td>
                              <Table.Td>{r.points}</Table.Td>
                              <Table.Td>
                                {pick(r.description)}
                                {r.onlyIf && (
                                  <Text fz="xs" c="dimmed">
                                    {'fired' in r.onlyIf
                                      ? t('scenarios.onlyIfFired', { id: r.onlyIf.fired })
                                      : t('scenarios.onlyIfNotFired', { id: r.onlyIf.notFired })}
                                  </Text>
                                )}
                                {r.takenAfter && (
                                  <Text fz="xs" c="dimmed">
                                    {t('scenarios.takenAfter', { ids: r.takenAfter.join(', ') })}
                                  </Text>
                                )}
                              </Table.Td>
                            </Table.Tr>
                          ))}
                        </Table.Tbody>
                      </Table>
                    </Paper>
                    <Paper withBorder p="sm">
                      <Title order={2} fz="sm" mb="xs">
                        {t('scenarios.reporting')}
                      </Title>
                      {sc.reporting.map((r) => (
                        <Text key={r.id} fz="xs" mb={4}>
                          • <b>{t(`report.kinds.${r.kind}`)}</b> → {r.recipients.map((id) => parties.get(id) ?? id).join('; ')} · {timeRef(r.from)} +{' '}
                          {formatDuration(r.deadline)} — {pick(r.legalBasis)}
                        </Text>
                      ))}
                    </Paper>
                  </Stack>
                </ScrollArea>
              </Tabs.Panel>
              <Tabs.Panel value="injects" pt="xs">
                {sc.injects.map((i) => (
                  <Text key={i.id} fz="sm">
                    • <Code>{i.id}</Code> {pick(i.title)} ({t('layer.short', { n: i.layer })}, {t(`severity.${i.severity}`)})
                  </Text>
                ))}
              </Tabs.Panel>
              <Tabs.Panel value="parties" pt="xs">
                <Table fz="xs">
                  <Table.Tbody>
                    {sc.parties.map((p) => (
                      <Table.Tr key={p.id}>
                        <Table.Td ff="monospace">{p.id}</Table.Td>
                        <Table.Td>{p.layer ? t('layer.short', { n: p.layer }) : ''}</Table.Td>
                        <Table.Td>
                          {pick(p.name)}
                          {p.eraNames
                            ? Object.entries(p.eraNames).map(([era, name]) => (
                                <Text key={era} fz="xs" c="dimmed">
                                  {t(`eras.${era}`)}: {pick(name)}
                                </Text>
                              ))
                            : null}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Tabs.Panel>
              <Tabs.Panel value="source" pt="xs">
                <ScrollArea h="calc(100vh - 270px)">
                  <Code block>{d.source}</Code>
                </ScrollArea>
              </Tabs.Panel>
            </Tabs>
          </>
        )}
      </Stack>
    </AppLayout>
  );
}
