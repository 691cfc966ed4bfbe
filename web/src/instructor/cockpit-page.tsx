import {
  Alert,
  Anchor,
  Badge,
  Button,
  Grid,
  Group,
  Loader,
  Modal,
  NumberInput,
  Paper,
  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
  MultiSelect,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LogSearchPanel } from '../trainee/log-search-panel.js';
import { Link, useParams } from 'react-router-dom';
import type { Severity } from '@contracts/common.schema.js';
import type { ClockStateDto, ExerciseDto, StreamEvent } from '@contracts/exercise.schema.js';
import { SENSORS, type Sensor } from '@contracts/scenario.schema.js';
import type { Text as BiText } from '@contracts/common.schema.js';
import { api } from '../api/api-client.js';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { queries, queryKeys } from '../api/queries.js';
import { AppLayout } from '../components/app-layout.js';
import { ClockDisplay } from '../components/clock-display.js';
import { describeError, ErrorText } from '../components/error-text.js';
import { StixExportButton } from '../components/export-buttons.js';
import { formatClock, parseTimeInput, parseWallClockStart, pick } from '../lib/format.js';
import { useVirtualTime, WallClockContext } from '../lib/virtual-time.js';
import { exerciseEnd } from '../realtime/exercise-end.js';
import { useExerciseLive, useTicker, virtualNow } from '../realtime/hooks.js';
import { ReportGrading } from './report-grading.js';
import type { ExerciseLive } from '../realtime/realtime-hub.js';
import { STATUS_COLOR } from '../pages/lobby-page.js';
import { describeAction } from '../trainee/activity-panel.js';
import { SEVERITIES, toAlert } from '../trainee/console-model.js';
import type { ScenarioDetailDto } from '../api/queries.js';
import { Scoreboard } from './scoreboard.js';
import { DEBRIEF_NS } from '../debrief/debrief-i18n.js';

type Op = 'start' | 'pause' | 'resume' | 'finish' | 'abort';
type EndOp = Extract<Op, 'finish' | 'abort'>;
type ClockLabel = Op | 'speed' | 'seek' | 'seekPhase';
type ClockCommand = { label: ClockLabel; path: string; body?: unknown } | { label: 'overtime'; path: 'overtime'; body: { allowOvertime: boolean } };

export function CockpitPage() {
  const { exerciseId = '' } = useParams();
  const { t } = useTranslation();
  const live = useExerciseLive(exerciseId);
  const queryClient = useQueryClient();
  const exercise = useQuery(queries.exercise(exerciseId));
  const ex = exercise.data;
  const detail = useQuery({ ...queries.scenarioVersion(ex?.scenarioId ?? '', ex?.scenarioVersionId ?? ''), enabled: ex !== undefined });
  const reloadExercise = () => void queryClient.invalidateQueries({ queryKey: queryKeys.exerciseDetail(exerciseId) });
  const [speed, setSpeed] = useState<number | string>('');
  const [seekTime, setSeekTime] = useState('');
  const [seekPhase, setSeekPhase] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<EndOp | null>(null);

  const clock = live.clock ?? ex?.clock ?? null;
  // Locks every clock and inject control the moment the end is known (clock status or `exercise:ended`).
  const end = exerciseEnd(clock, live.ended);

  // One command at a time: its label shows which button is busy, its error stays until the next one.
  const command = useMutation({
    mutationFn: (c: ClockCommand) => api.post<ClockStateDto>(`/exercises/${exerciseId}/${c.path}`, c.body),
    onSuccess: (result, c) => {
      if (c.label !== 'overtime') live.setClock(result);
      else if (result && typeof result === 'object' && 'status' in result && 'allowOvertime' in result) live.setClock(result);
      reloadExercise();
      if (c.label === 'overtime') notifications.show({ color: 'teal', message: t(c.body.allowOvertime ? 'overtime.on' : 'overtime.off') });
    },
  });
  const busy = command.isPending ? command.variables.label : null;
  const error = command.error;
  const setOvertime = (allowOvertime: boolean) => command.mutate({ label: 'overtime', path: 'overtime', body: { allowOvertime } });
  const control = (label: ClockLabel, path: string, body?: unknown) => command.mutate({ label, path, body });

  if (!ex) {
    return <AppLayout>{exercise.error ? <ErrorText error={exercise.error} /> : <Loader aria-label={t('common.loading')} />}</AppLayout>;
  }
  const status = clock?.status ?? ex.status;
  const over = end !== null;
  // Finish and abort cannot be undone: they only run after the confirmation says what happens.
  const opButton = (op: Op, color: string, enabled: boolean) => (
    <Button
      key={op}
      color={color}
      disabled={!enabled || over}
      loading={busy === op}
      onClick={() => (op === 'finish' || op === 'abort' ? setConfirming(op) : control(op, op))}
      data-testid={`control-${op}`}
    >
      {t(`cockpit.${op}`)}
    </Button>
  );
  const allowOvertime = clock?.allowOvertime ?? false;
  const seekMs = parseTimeInput(seekTime);
  const phases = detail.data?.scenario.phases ?? [];

  // When the live clock has not arrived yet, the exercise as read is the clock's last known state.
  const clockAt = live.clock ? live.clockReceivedAt : exercise.dataUpdatedAt;

  return (
    <WallClockContext.Provider value={parseWallClockStart(detail.data?.scenario.wallClockStart)}>
      <AppLayout live>
        <Stack gap="xs">
          <Group justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
              <Title order={1} fz="h4" lineClamp={1} title={ex.title} data-testid="cockpit-title">
                {t('cockpit.title')}: {ex.title}
              </Title>
              <Badge color={STATUS_COLOR[status]} data-testid="exercise-status">
                {t(`status.${status}`)}
              </Badge>
            </Group>
            <Group gap="xs" wrap="nowrap">
              <StixExportButton
                path={`/scenarios/${ex.scenarioId}/versions/${ex.scenarioVersionId}/export/stix`}
                filename={`soc-drill-${ex.scenarioId}-answer-key.stix.json`}
                label={t('exports.groundTruth')}
                hint={t('exports.groundTruthHint')}
                testId="cockpit-export-ground-truth"
              />
              <DebriefLinks exerciseId={exerciseId} />
              <ClockDisplay clock={clock} receivedAt={clockAt} />
            </Group>
          </Group>
          {end && (
            <Alert color={end.reason === 'aborted' ? 'red' : 'blue'} variant="light" p="xs" role="status" data-testid="cockpit-ended" data-reason={end.reason}>
              {t('ended.cockpit', { reason: t(`ended.reasonShort.${end.reason}`) })}
            </Alert>
          )}
          <Paper withBorder p="xs">
            <Group gap="xs" align="flex-end" wrap="wrap">
              {opButton('start', 'teal', status === 'draft')}
              {opButton('pause', 'yellow', status === 'running')}
              {opButton('resume', 'teal', status === 'paused')}
              {opButton('finish', 'blue', status === 'running' || status === 'paused')}
              {opButton('abort', 'red', status !== 'finished' && status !== 'aborted')}
              <NumberInput
                w={110}
                size="sm"
                label={t('clock.speed')}
                min={0.25}
                max={100}
                step={1}
                decimalScale={2}
                value={speed}
                onChange={setSpeed}
                placeholder={String(clock?.speed ?? '')}
                disabled={over}
                data-testid="speed-input"
              />
              <Button
                variant="light"
                disabled={over || speed === ''}
                loading={busy === 'speed'}
                onClick={() => control('speed', 'speed', { speed: Number(speed) })}
                data-testid="speed-apply"
              >
                {t('cockpit.speed')}
              </Button>
              <TextInput
                w={150}
                size="sm"
                label={t('cockpit.seekTime')}
                placeholder="40m · 1:05:00"
                value={seekTime}
                onChange={(e) => setSeekTime(e.currentTarget.value)}
                error={seekTime && seekMs === null ? '?' : undefined}
                disabled={over}
                data-testid="seek-time"
              />
              <Button
                variant="light"
                disabled={over || seekMs === null}
                loading={busy === 'seek'}
                onClick={() => seekMs !== null && control('seek', 'seek', { virtualMs: seekMs })}
                data-testid="seek-apply"
              >
                {t('cockpit.seekGo')}
              </Button>
              <Select
                w={220}
                size="sm"
                label={t('cockpit.seekPhase')}
                data={phases.map((p) => ({ value: p.id, label: pick(p.name) }))}
                value={seekPhase}
                onChange={setSeekPhase}
                clearable
                disabled={over}
                data-testid="seek-phase"
              />
              <Button
                variant="light"
                disabled={over || !seekPhase}
                data-testid="seek-phase-apply"
                loading={busy === 'seekPhase'}
                onClick={() => seekPhase && control('seekPhase', 'seek', { phase: seekPhase })}
              >
                {t('cockpit.seekGo')}
              </Button>
              <Tooltip label={t('overtime.explain')} multiline w={360} withArrow>
                <Switch
                  mb={8}
                  label={t('overtime.label')}
                  checked={allowOvertime}
                  disabled={over || busy === 'overtime'}
                  onChange={(e) => setOvertime(e.currentTarget.checked)}
                  data-testid="overtime-switch"
                />
              </Tooltip>
            </Group>
            <ErrorText error={error} />
          </Paper>
          <Grid gap="xs">
            <Grid.Col span={{ base: 12, lg: 7 }}>
              <TeamsTable exercise={ex} live={live} phases={phases} clock={clock} clockAt={clockAt} />
              <Scoreboard exercise={ex} live={live} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 5 }}>
              <InjectPanel exercise={ex} detail={detail.data ?? null} locked={over} />
            </Grid.Col>
          </Grid>
          <Timeline exercise={ex} live={live} parties={detail.data?.scenario.parties ?? []} />
          <TeamLogs exercise={ex} />
          <ReportGrading
            exercise={ex}
            partyName={(id) => {
              const party = detail.data?.scenario.parties.find((p) => p.id === id);
              return party ? pick(party.eraNames?.[ex.era] ?? party.name) : id;
            }}
          />
        </Stack>
        <Modal
          opened={confirming !== null}
          onClose={() => setConfirming(null)}
          title={confirming ? t(confirming === 'finish' ? 'confirm.finishTitle' : 'confirm.abortTitle') : ''}
          data-testid="end-confirm"
        >
          {confirming && (
            <Stack gap="sm">
              <Text fz="sm" data-testid="end-confirm-body">
                {t(confirming === 'finish' ? 'confirm.finishBody' : 'confirm.abortBody')}
              </Text>
              <Group justify="flex-end">
                <Button variant="default" onClick={() => setConfirming(null)} data-testid="end-confirm-cancel">
                  {t('confirm.keep')}
                </Button>
                <Button
                  color={confirming === 'finish' ? 'blue' : 'red'}
                  onClick={() => {
                    const op = confirming;
                    setConfirming(null);
                    control(op, op);
                  }}
                  data-testid="end-confirm-ok"
                >
                  {t(confirming === 'finish' ? 'confirm.finishOk' : 'confirm.abortOk')}
                </Button>
              </Group>
            </Stack>
          )}
        </Modal>
      </AppLayout>
    </WallClockContext.Provider>
  );
}

/** The hot-wash (during and after the run) and the exercise's results page. */
function DebriefLinks({ exerciseId }: { exerciseId: string }) {
  const { t } = useTranslation(DEBRIEF_NS);
  return (
    <>
      <Button size="xs" variant="light" color="teal" component={Link} to={`/exercises/${exerciseId}/hotwash`} data-testid="cockpit-hotwash">
        {t('hotwash.open')}
      </Button>
      <Button size="xs" variant="light" component={Link} to={`/results/exercises/${exerciseId}`} data-testid="cockpit-results">
        {t('hotwash.results')}
      </Button>
    </>
  );
}

function TeamsTable({
  exercise,
  live,
  phases,
  clock,
  clockAt,
}: {
  exercise: ExerciseDto;
  live: ExerciseLive;
  phases: ReadonlyArray<{ id: string; name: BiText }>;
  clock: ClockStateDto | null;
  clockAt: number;
}) {
  const { t } = useTranslation();
  const time = useVirtualTime();
  // The waiting times run with the clock, not with the last clock message.
  const nowMs = virtualNow(clock, clockAt, useTicker(1000));
  const { t: td } = useTranslation(DEBRIEF_NS);
  // Refreshed whenever the teams act or receive alerts (the live hub invalidates it on both).
  const progress = useQuery(queries.progress(exercise.id));
  const byTeam = new Map((progress.data ?? []).map((p) => [p.teamId, p]));
  const phaseName = new Map(phases.map((p) => [p.id, pick(p.name)]));
  return (
    <Paper withBorder p="sm" mb="xs">
      <Title order={2} fz="md" mb="xs">
        {t('cockpit.teams')}
      </Title>
      <ErrorText error={progress.error} />
      <ScrollArea>
        <Table fz="sm" data-testid="cockpit-teams">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('common.team')}</Table.Th>
              <Table.Th>{t('cockpit.killChain')}</Table.Th>
              <Table.Th>{t('cockpit.events')}</Table.Th>
              <Table.Th>{t('cockpit.openAlerts')}</Table.Th>
              <Table.Th>{t('cockpit.waitingLongest')}</Table.Th>
              <Table.Th>{t('cockpit.lastAction')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {exercise.teams.map((team) => {
              const p = byTeam.get(team.id);
              const reached = p?.phasesReached ?? [];
              const latest = reached[reached.length - 1];
              const waiting = p?.waitingLongest[0];
              return (
                <Table.Tr key={team.id} data-testid="team-row" data-team-id={team.id}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Group gap={6} wrap="nowrap">
                      <Text fw={600} fz="sm">
                        {team.name}
                      </Text>
                      <Anchor component={Link} fz="xs" to={`/exercises/${exercise.id}/teams/${encodeURIComponent(team.id)}/review`} data-testid="team-review">
                        {td('openShort')}
                      </Anchor>
                    </Group>
                    <Text fz="xs" c="dimmed">
                      {team.members.map((m) => m.displayName).join(', ')}
                    </Text>
                  </Table.Td>
                  <Table.Td data-testid="team-kill-chain">
                    {p ? `${reached.length}/${p.phaseCount}` : '—'}
                    {latest && (
                      <Text fz="xs" c="dimmed">
                        {phaseName.get(latest.phaseId) ?? latest.phaseId}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td data-testid="team-events">{(live.events.get(team.id) ?? []).length}</Table.Td>
                  <Table.Td>{p?.openAlerts ?? '—'}</Table.Td>
                  <Table.Td fz="xs" data-testid="team-waiting">
                    {waiting ? (
                      <>
                        <Text fz="xs" lineClamp={1}>
                          {pick(waiting.title)}
                        </Text>
                        <Text fz="xs" c="dimmed">
                          {t('cockpit.waitingFor', {
                            time: formatClock(Math.max(0, nowMs - waiting.deliveredVirtualMs)),
                            at: time(waiting.deliveredVirtualMs),
                          })}
                        </Text>
                      </>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td fz="xs">
                    {p?.lastAction
                      ? `${time(p.lastAction.virtualMs)} · ${p.lastAction.username} · ${t(`actionType.${p.lastAction.type.replace(/\./g, '-')}`, { defaultValue: p.lastAction.type })}`
                      : '—'}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </Paper>
  );
}

function InjectPanel({ exercise, detail, locked }: { exercise: ExerciseDto; detail: ScenarioDetailDto | null; locked: boolean }) {
  const { t } = useTranslation();
  const [mode, setMode] = useState('library');
  const [injectId, setInjectId] = useState<string | null>(null);
  const [teamIds, setTeamIds] = useState<string[]>([]);
  const [layer, setLayer] = useState('2');
  const [sensor, setSensor] = useState<Sensor>('siem');
  const [severity, setSeverity] = useState<Severity>('medium');
  const [titleVi, setTitleVi] = useState('');
  const [titleEn, setTitleEn] = useState('');
  const [descVi, setDescVi] = useState('');
  const [descEn, setDescEn] = useState('');
  const [raw, setRaw] = useState('');
  const inject = useMutation({
    mutationFn: (body: unknown) => api.post<{ eventId: string }>(`/exercises/${exercise.id}/injects`, body),
    onSuccess: (result) => notifications.show({ color: 'teal', message: t('cockpit.injected', { id: result.eventId }) }),
    onError: (e) => notifications.show({ color: 'red', message: describeError(t, e) }),
  });
  const busy = inject.isPending;
  const injects = detail?.scenario.injects ?? [];

  function send() {
    if (locked) return;
    const body =
      mode === 'library'
        ? { injectId, ...(teamIds.length ? { teamIds } : {}) }
        : {
            ...(teamIds.length ? { teamIds } : {}),
            alert: {
              layer: Number(layer),
              sensor,
              severity,
              title: { vi: titleVi.trim(), en: titleEn.trim() || titleVi.trim() },
              description: { vi: descVi.trim(), en: descEn.trim() || descVi.trim() },
              observables: [],
              ...(raw.trim() ? { raw } : {}),
            },
          };
    inject.mutate(body);
  }

  return (
    <Paper
      withBorder
      p="sm"
      component="form"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
      aria-labelledby="inject-title"
    >
      <Title order={2} fz="md" mb="xs" id="inject-title">
        {t('cockpit.inject')}
      </Title>
      {/* A disabled fieldset disables every field of the form at once once the exercise is over. */}
      <fieldset disabled={locked} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }} data-testid="inject-fieldset">
        <Stack gap="xs">
          <SegmentedControl
            size="xs"
            value={mode}
            onChange={setMode}
            data={[
              { value: 'library', label: t('cockpit.library') },
              { value: 'adhoc', label: t('cockpit.adhoc') },
            ]}
          />
          <MultiSelect
            searchable
            size="xs"
            label={t('cockpit.injectTeams')}
            data={exercise.teams.map((team) => ({ value: team.id, label: team.name }))}
            value={teamIds}
            onChange={setTeamIds}
            clearable
          />
          {mode === 'library' ? (
            <Select
              size="xs"
              label={t('cockpit.library')}
              data={injects.map((i) => ({ value: i.id, label: `${i.id} · ${pick(i.title)}` }))}
              value={injectId}
              onChange={setInjectId}
              searchable
            />
          ) : (
            <>
              <Group grow>
                <Select
                  size="xs"
                  label={t('layer.label')}
                  data={['1', '2', '3', '4'].map((n) => ({ value: n, label: t('layer.short', { n }) }))}
                  value={layer}
                  onChange={(v) => v && setLayer(v)}
                  allowDeselect={false}
                />
                <Select
                  size="xs"
                  label={t('sensor.label')}
                  data={SENSORS.map((s) => ({ value: s, label: t(`sensor.${s}`) }))}
                  value={sensor}
                  onChange={(v) => v && setSensor(v as Sensor)}
                  allowDeselect={false}
                  searchable
                />
                <Select
                  size="xs"
                  label={t('severity.label')}
                  data={SEVERITIES.map((s) => ({ value: s, label: t(`severity.${s}`) }))}
                  value={severity}
                  onChange={(v) => v && setSeverity(v as Severity)}
                  allowDeselect={false}
                />
              </Group>
              <Group grow>
                <TextInput size="xs" label={t('cockpit.titleVi')} value={titleVi} onChange={(e) => setTitleVi(e.currentTarget.value)} required />
                <TextInput size="xs" label={t('cockpit.titleEn')} value={titleEn} onChange={(e) => setTitleEn(e.currentTarget.value)} />
              </Group>
              <Group grow>
                <Textarea
                  size="xs"
                  label={t('cockpit.descVi')}
                  value={descVi}
                  onChange={(e) => setDescVi(e.currentTarget.value)}
                  required
                  autosize
                  minRows={2}
                  maxRows={4}
                />
                <Textarea
                  size="xs"
                  label={t('cockpit.descEn')}
                  value={descEn}
                  onChange={(e) => setDescEn(e.currentTarget.value)}
                  autosize
                  minRows={2}
                  maxRows={4}
                />
              </Group>
              <Textarea
                size="xs"
                label={t('cockpit.raw')}
                value={raw}
                onChange={(e) => setRaw(e.currentTarget.value)}
                autosize
                minRows={1}
                maxRows={4}
                styles={{ input: { fontFamily: 'monospace' } }}
              />
            </>
          )}
          <Button
            type="submit"
            loading={busy}
            disabled={locked || (mode === 'library' ? !injectId : !titleVi.trim() || !descVi.trim())}
            data-testid="inject-send"
          >
            {t('cockpit.injectSend')}
          </Button>
        </Stack>
      </fieldset>
    </Paper>
  );
}

function Timeline({ exercise, live, parties }: { exercise: ExerciseDto; live: ExerciseLive; parties: ScenarioDetailDto['scenario']['parties'] }) {
  const { t } = useTranslation();
  // Actions taken before this page joined come from the log; later ones arrive as `team:actions` messages.
  // A team whose log cannot be read shows only its live actions.
  const history = useQueries({
    queries: exercise.teams.map((team) => queries.teamActions(exercise.id, team.id)),
    combine: (results) => results.flatMap((result) => result.data?.actions ?? []),
  });
  const time = useVirtualTime();
  const teamName = (id: string) => exercise.teams.find((team) => team.id === id)?.name ?? id;
  const items = useMemo(() => {
    // Instructors may read titles: actions name their alerts by title, not by the opaque reference.
    const titles = new Map<string, string>();
    for (const events of live.events.values()) for (const e of events as StreamEvent[]) titles.set(e.eventId, pick(toAlert(e).title));
    const list: Array<{ key: string; ms: number; team: string; text: string; kind: 'event' | 'action' }> = [];
    for (const [teamId, events] of live.events)
      for (const e of events as StreamEvent[])
        list.push({ key: `e:${teamId}:${e.seq}`, ms: e.deliveredVirtualMs, team: teamName(teamId), text: pick(toAlert(e).title), kind: 'event' });
    const seen = new Set<string>();
    for (const a of [...history, ...live.actions]) {
      const key = `${a.teamId}:${a.seq}`;
      if (seen.has(key)) continue;
      seen.add(key);
      list.push({
        key: `a:${a.teamId}:${a.seq}`,
        ms: a.virtualMs,
        team: teamName(a.teamId),
        text: `${a.username}: ${describeAction(
          t,
          a.action,
          (id) => titles.get(id) ?? id,
          (id) => {
            const p = parties.find((x) => x.id === id);
            return p ? pick(p.name) : id;
          },
        )}`,
        kind: 'action',
      });
    }
    return list.sort((a, b) => b.ms - a.ms).slice(0, 300);
  }, [live.version, history, parties, t]);
  return (
    <Paper withBorder p="sm">
      <Title order={2} fz="md" mb="xs">
        {t('cockpit.timeline')}
      </Title>
      <ScrollArea h={220}>
        <Table fz="xs" data-testid="cockpit-timeline">
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.key}>
                <Table.Td ff="monospace" w={70}>
                  {time(item.ms)}
                </Table.Td>
                <Table.Td w={140}>{item.team}</Table.Td>
                <Table.Td w={110}>
                  <Text fz="xs" fw={700} c={item.kind === 'event' ? 'blue.4' : 'grape.4'}>
                    {item.kind === 'event' ? t('board.alert') : t('common.actions')}
                  </Text>
                </Table.Td>
                <Table.Td>{item.text}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {items.length === 0 && (
          <Text c="dimmed" fz="sm">
            {t('activity.empty')}
          </Text>
        )}
      </ScrollArea>
    </Paper>
  );
}

/** Each team's logs as that team sees them (its present, its branch): what the trainees could find. */
function TeamLogs({ exercise }: { exercise: ExerciseDto }) {
  const { t } = useTranslation();
  const [teamId, setTeamId] = useState<string | null>(exercise.teams[0]?.id ?? null);
  return (
    <Paper withBorder p="sm" data-testid="cockpit-logs">
      <Group justify="space-between" mb="xs">
        <Title order={2} fz="md">
          {t('logs.tab')}
        </Title>
        <Select
          size="xs"
          w={240}
          aria-label={t('common.team')}
          data={exercise.teams.map((team) => ({ value: team.id, label: team.name }))}
          value={teamId}
          onChange={setTeamId}
          allowDeselect={false}
        />
      </Group>
      {teamId !== null && <LogSearchPanel key={teamId} exerciseId={exercise.id} teamId={teamId} request={null} />}
    </Paper>
  );
}
