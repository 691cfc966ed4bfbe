import { Alert, Badge, Box, Button, Grid, Group, Loader, Tabs, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router-dom';
import type { Severity } from '@contracts/common.schema.js';
import { VERDICTS } from '@contracts/scenario.schema.js';
import type { RecordedAction } from '@contracts/triage.schema.js';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { queries, queryKeys } from '../api/queries.js';
import { AppLayout } from '../components/app-layout.js';
import { ClockDisplay } from '../components/clock-display.js';
import { ErrorText, isMissingEndpoint } from '../components/error-text.js';
import { exerciseEnd } from '../realtime/exercise-end.js';
import { useExerciseLive, useSession, virtualNow } from '../realtime/hooks.js';
import { OwnScoreBadge } from '../instructor/scoreboard.js';
import { ActivityPanel, describeAction } from './activity-panel.js';
import { AlertDetail, type VerdictRequest } from './alert-detail.js';
import { AlertQueue } from './alert-queue.js';
import { BriefingPanel } from './briefing-panel.js';
import { ConsoleContext, type ConsoleContextValue } from './console-context.js';
import { buildRows, partyName, SEVERITIES, type BriefingParty } from './console-model.js';
import { IncidentsPanel } from './incidents-panel.js';
import { LayerBoard } from './layer-board.js';
import { LogSearchPanel, type LogRequest } from './log-search-panel.js';
import { EndBanner } from './end-banner.js';
import { DeadlinesList, ReportsPanel } from './reports-panel.js';
import { ShortcutHelp } from './shortcut-help.js';
import { useTriageAct } from './use-triage.js';
import { useSeenAlerts } from './seen-alerts.js';
import { WallClockContext } from '../lib/virtual-time.js';
import { parseWallClockStart } from '../lib/format.js';

const PANE_HEIGHT = 'calc(100vh - 150px)';

/** Inputs that take no text (a verdict segment, a checkbox): shortcuts keep working after clicking one. */
const NON_TEXT_INPUTS = new Set(['radio', 'checkbox', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image']);

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return !NON_TEXT_INPUTS.has(target.type);
  return target.isContentEditable || ['TEXTAREA', 'SELECT'].includes(target.tagName) || target.getAttribute('role') === 'combobox';
}

export function TraineeConsolePage() {
  const { exerciseId = '' } = useParams();
  const { t } = useTranslation();
  const { user } = useSession();
  const live = useExerciseLive(exerciseId);
  const queryClient = useQueryClient();
  const exercise = useQuery(queries.exercise(exerciseId));
  const ex = exercise.data;
  // The briefing of the version this exercise runs, parties named for its era (never the catalogue's latest).
  const briefing = useQuery({ ...queries.briefing(exerciseId), enabled: ex !== undefined });
  const teamId = ex?.myTeamId ?? null;
  // The realtime hub invalidates these on teammates' actions, our own acks and every (re-)join.
  const teamState = useQuery({ ...queries.teamState(exerciseId), enabled: teamId !== null });
  const deadlines = useQuery({ ...queries.deadlines(exerciseId), enabled: teamId !== null });
  const history = useQuery({ ...queries.ownActions(exerciseId), enabled: teamId !== null });
  // Deadlines follow the team's state: a newer state (whoever triggered it) refetches them too.
  const lastActionSeq = teamState.data?.lastActionSeq ?? 0;
  useEffect(() => {
    if (lastActionSeq > 0) void queryClient.invalidateQueries({ queryKey: queryKeys.deadlines(exerciseId) });
  }, [queryClient, exerciseId, lastActionSeq]);

  // `?alert=AL-…` opens that alert (the debrief links each alert to its detail here).
  const [searchParams] = useSearchParams();
  const [selectedId, setSelectedId] = useState<string | null>(() => searchParams.get('alert'));
  const [visibleIds, setVisibleIds] = useState<string[]>([]);
  const [verdictRequest, setVerdictRequest] = useState<VerdictRequest | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const [tab, setTab] = useState<string | null>('alerts');
  const [logRequest, setLogRequest] = useState<(LogRequest & { seq: number }) | null>(null);
  const investigate = useCallback((request: LogRequest) => {
    setLogRequest({ ...request, seq: Date.now() });
    setTab('logs');
  }, []);
  // A verdict chosen by keyboard belongs to the alert it was chosen on: switching drops it.
  const select = useCallback((id: string) => {
    setSelectedId(id);
    setVerdictRequest(null);
  }, []);

  const members = useMemo(() => {
    const map = new Map<string, string>();
    for (const team of ex?.teams ?? []) if (team.id === teamId) for (const m of team.members) map.set(m.id, m.displayName || m.username);
    return map;
  }, [ex, teamId]);
  const events = (teamId ? live.events.get(teamId) : undefined) ?? [];
  const rows = useMemo(() => buildRows(events, teamState.data ?? null, members, t('queue.unowned')), [events, teamState.data, members, t]);
  const arrivedAt = useMemo(() => {
    const map = new Map<string, number>();
    for (const row of rows) {
      const at = live.arrivedAt.get(`${teamId}:${row.event.eventId}`);
      if (at !== undefined) map.set(row.id, at);
    }
    return map;
  }, [rows, live.arrivedAt, teamId]);
  const selected = rows.find((r) => r.id === selectedId) ?? null;
  const [seen, markSeen] = useSeenAlerts(exerciseId, user?.id ?? '');
  // An alert counts as seen once it has been open in the detail.
  useEffect(() => {
    if (selected) markSeen(selected.id);
  }, [selected?.id, markSeen]);
  // Trainees see alerts by their delivery number, never by scenario id (noise ids would name their generator).
  const titleOf = useCallback(
    (id: string) => {
      const row = rows.find((r) => r.id === id);
      return row ? `#${row.seq} ${row.title}` : id;
    },
    [rows],
  );
  const targetsOf = useCallback(
    (id: string) => {
      const alert = rows.find((r) => r.id === id)?.alert;
      return alert ? [...(alert.asset ? [alert.asset] : []), ...alert.observables.map((o) => o.value)] : [];
    },
    [rows],
  );
  const parties = (briefing.data?.parties ?? []) as BriefingParty[];
  const act = useTriageAct(exerciseId, live, (body) =>
    describeAction(t, body as unknown as Record<string, unknown>, titleOf, (id) => {
      const party = parties.find((p) => p.id === id);
      return party ? partyName(party, ex?.era) : id;
    }),
  );
  const clockNow = live.clock ?? ex?.clock ?? null;
  const end = exerciseEnd(clockNow, live.ended);

  const actions = useMemo(() => {
    const byKey = new Map<string, RecordedAction>();
    for (const a of [...(history.data?.actions ?? []), ...live.actions]) byKey.set(`${a.teamId}:${a.seq}`, a);
    return [...byKey.values()].sort((a, b) => a.seq - b.seq);
  }, [history.data, live.actions]);

  const triageError = teamState.error && !teamState.data ? teamState.error : null;
  const clockRef = useRef({ clock: live.clock, at: live.clockReceivedAt });
  clockRef.current = { clock: live.clock ?? ex?.clock ?? null, at: live.clock ? live.clockReceivedAt : Date.now() };

  // Keyboard triage: j/k move, 1–4 choose a verdict, r reason field, ctrl+enter record it,
  // shift+1–4 severity, a take the alert, ? help. Never while typing in a field (but ctrl+enter).
  const stateRef = useRef({ visibleIds, selected, act, helpOpen, tab, ended: end !== null });
  stateRef.current = { visibleIds, selected, act, helpOpen, tab, ended: end !== null };
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      const s = stateRef.current;
      if ((event.ctrlKey || event.metaKey) && event.key === 'Enter' && !s.helpOpen && s.tab === 'alerts') {
        const submit = document.querySelector<HTMLButtonElement>('[data-testid=verdict-submit]');
        if (submit && !submit.disabled) {
          event.preventDefault();
          submit.click();
        }
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      if (event.key === '?') {
        event.preventDefault();
        setHelpOpen((o) => !o);
        return;
      }
      if (s.helpOpen || s.tab !== 'alerts') return;
      const digit = /^Digit([1-4])$/.exec(event.code);
      if (event.key === 'j' || event.key === 'k') {
        event.preventDefault();
        const ids = s.visibleIds;
        if (ids.length === 0) return;
        const index = s.selected ? ids.indexOf(s.selected.id) : -1;
        const next = event.key === 'j' ? Math.min(ids.length - 1, index + 1) : Math.max(0, index === -1 ? 0 : index - 1);
        select(ids[next]!);
        document.querySelector(`[data-alert-id="${CSS.escape(ids[next]!)}"]`)?.scrollIntoView({ block: 'nearest' });
      } else if (digit && s.selected) {
        event.preventDefault();
        if (s.ended) return;
        const n = Number(digit[1]) - 1;
        if (event.shiftKey) {
          void s.act({ type: 'alert.severity', alertId: s.selected.id, severity: SEVERITIES[n] as Severity });
        } else {
          // Only chooses: the verdict is recorded by the button (or ctrl+enter), never by the digit.
          setVerdictRequest({ alertId: s.selected.id, verdict: VERDICTS[n]!, nonce: Date.now() });
        }
      } else if (event.key === 'r' && !event.shiftKey && s.selected) {
        const reason = document.querySelector<HTMLInputElement>('[data-testid=verdict-reason]');
        if (reason && !reason.disabled) {
          // Focused inside the keydown whose default is prevented: the "r" never reaches the field.
          event.preventDefault();
          reason.focus();
        }
      } else if ((event.key === 'a' || event.key === 'A') && !event.shiftKey && s.selected) {
        event.preventDefault();
        if (s.ended) return;
        void s.act({ type: 'alert.acknowledge', alertId: s.selected.id });
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [select]);

  if (exercise.error && !ex) {
    return (
      <AppLayout>
        <ErrorText error={exercise.error} />
      </AppLayout>
    );
  }
  if (!ex) {
    return (
      <AppLayout>
        <Loader aria-label={t('common.loading')} />
      </AppLayout>
    );
  }
  if (!teamId) {
    return (
      <AppLayout>
        <Alert color="yellow">{t('console.noTeam')}</Alert>
      </AppLayout>
    );
  }

  const team = ex.teams.find((tm) => tm.id === teamId);
  const context: ConsoleContextValue = {
    exercise: ex,
    teamId,
    briefing: briefing.data ?? null,
    parties,
    state: teamState.data ?? null,
    triageError,
    ended: end !== null,
    act,
    members,
    userId: user?.id ?? '',
    virtualMs: () => virtualNow(clockRef.current.clock, clockRef.current.at),
    investigate,
  };
  const clock = live.clock ?? ex.clock;
  const incidentCount = Object.keys(teamState.data?.incidents ?? {}).length;

  return (
    <ConsoleContext.Provider value={context}>
      <WallClockContext.Provider value={parseWallClockStart(briefing.data?.wallClockStart)}>
        <AppLayout live>
          <Group justify="space-between" mb={6} wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Title order={1} fz="h4" lineClamp={1} maw={420} data-testid="console-title">
                {ex.title}
              </Title>
              <Badge variant="light">
                {t('common.team')}: {team?.name}
              </Badge>
            </Group>
            <ClockDisplay clock={clock} receivedAt={live.clock ? live.clockReceivedAt : Date.now()} />
            <Group gap="xs" wrap="nowrap">
              <Box maw={380}>
                <DeadlinesList
                  deadlines={deadlines.data ?? null}
                  error={deadlines.error && !isMissingEndpoint(deadlines.error) ? deadlines.error : null}
                  compact
                />
              </Box>
              <OwnScoreBadge exerciseId={exerciseId} live={live} />
              <Button size="xs" variant="default" onClick={() => setHelpOpen(true)} data-testid="shortcuts-button" aria-keyshortcuts="?">
                {t('common.shortcuts')} (?)
              </Button>
            </Group>
          </Group>
          {end && <EndBanner end={end} exerciseId={exerciseId} live={live} />}
          {live.joinError && <ErrorText error={Object.assign(new Error(live.joinError.message), live.joinError)} />}
          {triageError !== null && (
            <Alert color={isMissingEndpoint(triageError) ? 'yellow' : 'red'} mb={6} p={6} data-testid="triage-unavailable">
              {isMissingEndpoint(triageError) ? (
                t('triage.notAvailable', { code: (triageError as { code?: string }).code ?? '404' })
              ) : (
                <ErrorText error={triageError} />
              )}
            </Alert>
          )}
          {clock.status === 'paused' && (
            <Text c="var(--mantine-color-yellow-text)" fz="xs" mb={4} role="status">
              {t('triage.pausedNote')}
            </Text>
          )}
          <Tabs value={tab} onChange={setTab} keepMounted={false}>
            <Tabs.List mb={6}>
              <Tabs.Tab value="alerts" data-testid="tab-alerts">
                {t('console.tabs.alerts')} ({rows.length})
              </Tabs.Tab>
              <Tabs.Tab value="board" data-testid="tab-board">
                {t('console.tabs.board')}
              </Tabs.Tab>
              <Tabs.Tab value="incidents" data-testid="tab-incidents">
                {t('console.tabs.incidents')} ({incidentCount})
              </Tabs.Tab>
              <Tabs.Tab value="reports" data-testid="tab-reports">
                {t('console.tabs.reports')}
              </Tabs.Tab>
              <Tabs.Tab value="logs" data-testid="tab-logs">
                {t('logs.tab')}
              </Tabs.Tab>
              <Tabs.Tab value="activity" data-testid="tab-activity">
                {t('console.tabs.activity')}
              </Tabs.Tab>
              <Tabs.Tab value="briefing" data-testid="tab-briefing">
                {t('console.tabs.briefing')}
              </Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="alerts">
              <Grid gap="xs">
                <Grid.Col span={7}>
                  <AlertQueue
                    rows={rows}
                    selectedId={selectedId}
                    onSelect={select}
                    onVisibleChange={setVisibleIds}
                    height={PANE_HEIGHT}
                    arrivedAt={arrivedAt}
                    seen={seen}
                  />
                </Grid.Col>
                <Grid.Col span={5}>
                  <AlertDetail row={selected} rows={rows} verdictRequest={verdictRequest} height={PANE_HEIGHT} />
                </Grid.Col>
              </Grid>
            </Tabs.Panel>
            <Tabs.Panel value="board">
              <LayerBoard titleOf={titleOf} />
            </Tabs.Panel>
            <Tabs.Panel value="incidents">
              <IncidentsPanel selectedAlertId={selectedId} titleOf={titleOf} targetsOf={targetsOf} />
            </Tabs.Panel>
            <Tabs.Panel value="reports">
              <ReportsPanel deadlines={deadlines.data ?? null} deadlinesError={deadlines.error} />
            </Tabs.Panel>
            <Tabs.Panel value="logs">
              <LogSearchPanel
                exerciseId={exerciseId}
                request={logRequest}
                onOpenAlert={(ref) => {
                  select(ref);
                  setTab('alerts');
                }}
              />
            </Tabs.Panel>
            <Tabs.Panel value="activity">
              <ActivityPanel actions={actions} alertLabel={titleOf} />
            </Tabs.Panel>
            <Tabs.Panel value="briefing">
              <BriefingPanel />
            </Tabs.Panel>
          </Tabs>
          <ShortcutHelp opened={helpOpen} onClose={() => setHelpOpen(false)} />
        </AppLayout>
      </WallClockContext.Provider>
    </ConsoleContext.Provider>
  );
}
