import {
  Anchor,
  Autocomplete,
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Divider,
  Group,
  MultiSelect,
  Paper,
  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Severity } from '@contracts/common.schema.js';
import { HOST_TARGET_ACTIONS, RESPONSE_ACTIONS, TARGET_KINDS_OF_ACTION, VERDICTS, type ResponseAction, type Verdict } from '@contracts/scenario.schema.js';
import { pick } from '../lib/format.js';
import { useVirtualTime } from '../lib/virtual-time.js';
import { SEVERITY_COLOR } from './alert-queue.js';
import { useConsole } from './console-context.js';
import { offeredTargets, partyLabel, SEVERITIES, type AlertRow } from './console-model.js';

/** A verdict chosen with a shortcut key, for one alert (it never applies to another). */
export interface VerdictRequest {
  alertId: string;
  verdict: Verdict;
  nonce: number;
}

export function responseTargets(action: ResponseAction, row: AlertRow | null, assets: ReadonlyArray<{ id: string }>, partyIds: string[]): string[] {
  if (HOST_TARGET_ACTIONS.has(action)) {
    const accounts =
      action === 'disable-account' || action === 'reset-credentials'
        ? (row?.alert.observables ?? []).filter((o) => o.type === 'account').map((o) => o.value)
        : [];
    return [...new Set([...(row?.alert.asset ? [row.alert.asset] : []), ...assets.map((a) => a.id), ...accounts])];
  }
  if (action === 'block-ip') return [...new Set((row?.alert.observables ?? []).filter((o) => o.type === 'ip').map((o) => o.value))];
  if (action === 'block-domain') return [...new Set((row?.alert.observables ?? []).filter((o) => o.type === 'domain').map((o) => o.value))];
  return partyIds;
}

/** The response menu of the detail: one form open at a time, below the verdict and severity. */
type Section = 'route' | 'incident' | 'response' | 'note';
const SECTIONS: Section[] = ['route', 'incident', 'response', 'note'];

/**
 * The alert detail reads first: title, description, raw log and observables fill the scrolling
 * body, and the triage controls sit in a compact dock below it (owner, verdict, severity, then a
 * menu that opens one response form at a time).
 */
export function AlertDetail({
  row,
  rows,
  verdictRequest,
  height,
}: {
  row: AlertRow | null;
  rows: AlertRow[];
  verdictRequest: VerdictRequest | null;
  height: string;
}) {
  const { t } = useTranslation();
  // The open response form is a way of working, not a choice about one alert: it stays open across alerts.
  const [section, setSection] = useState<Section | null>(null);
  const viewport = useRef<HTMLDivElement>(null);
  const rowId = row?.id ?? null;
  // Another alert opens at its top (its title), not where the last one was scrolled.
  useLayoutEffect(() => {
    viewport.current?.scrollTo({ top: 0 });
  }, [rowId]);
  if (!row) {
    return (
      <Paper withBorder p="md" h={height}>
        <Text c="dimmed">{t('detail.select')}</Text>
      </Paper>
    );
  }
  return (
    <Paper withBorder p={0} h={height} style={{ display: 'flex', flexDirection: 'column' }} aria-labelledby="alert-detail-title" data-testid="alert-detail">
      <ScrollArea
        viewportRef={viewport}
        style={{ flex: 1, minHeight: 0 }}
        p="sm"
        type="auto"
        viewportProps={{ 'data-testid': 'alert-detail-scroll' } as object}
      >
        <AlertHeader row={row} />
        <AlertBody row={row} />
        <TeamRecord row={row} />
      </ScrollArea>
      <TriageDock
        key={row.id}
        row={row}
        earlier={rows.filter((r) => r.seq < row.seq)}
        verdictRequest={verdictRequest}
        section={section}
        onSection={setSection}
      />
    </Paper>
  );
}

function AlertHeader({ row }: { row: AlertRow }) {
  const { t } = useTranslation();
  const time = useVirtualTime();
  const a = row.alert;
  const s = row.state;
  return (
    <Stack gap={4} mb="xs">
      <Title order={2} fz="md" id="alert-detail-title" data-testid="alert-title">
        {pick(a.title)}
      </Title>
      <Group gap={4}>
        <Badge variant="outline">{t('layer.short', { n: a.layer })}</Badge>
        <Badge variant="outline" color="gray">
          {t(`sensor.${a.sensor}`, { defaultValue: a.sensor })}
        </Badge>
        <Tooltip label={t('detail.sensorSeverity')}>
          <Badge color={SEVERITY_COLOR[a.severity]}>{t(`severity.${a.severity}`)}</Badge>
        </Tooltip>
        {a.technique && (
          <Badge color="violet" variant="light">
            {a.technique}
          </Badge>
        )}
        {a.asset && (
          <Badge color="cyan" variant="light">
            {a.asset}
          </Badge>
        )}
      </Group>
      <Text fz="xs" c="dimmed" data-testid="alert-time">
        {/* The origin (timeline/noise) is never shown: it would give the verdict away. */}
        {t('detail.at')} {time(row.virtualMs)}
        {row.deliveredMs !== row.virtualMs ? ` · ${t('detail.deliveredAt')} ${time(row.deliveredMs)}` : ''}
        {row.event.catchUp ? ` (${t('detail.catchUp')})` : ''} · #{row.seq} · {t('verdict.label')}:{' '}
        <Text span fz="xs" fw={600} c={s?.verdict ? undefined : 'dimmed'} data-testid="current-verdict">
          {s?.verdict ? t(`verdict.${s.verdict}`) : t('verdict.none')}
        </Text>
      </Text>
    </Stack>
  );
}

/** What the team recorded on this alert besides verdict and severity: routes, incident, notes, hints. */
function TeamRecord({ row }: { row: AlertRow }) {
  const { t } = useTranslation();
  const time = useVirtualTime();
  const { state, members, parties, exercise } = useConsole();
  const s = row.state;
  const layerShort = (n: number) => t('layer.short', { n });
  const hints = (state?.hints ?? []).filter((h) => 'alertId' in h.for && h.for.alertId === row.id && h.text);
  const incident = s?.incidentId ? state?.incidents[s.incidentId] : undefined;
  if (!s || (s.routes.length === 0 && !s.incidentId && s.notes.length === 0 && hints.length === 0)) return null;
  return (
    <Stack gap={4} mt="sm" data-testid="team-record">
      <Divider />
      <Text fz="xs" fw={700} component="h3" m={0}>
        {t('detail.teamRecord')}
      </Text>
      {s.routes.length > 0 && (
        <Text fz="xs" data-testid="alert-routes">
          <Text span fz="xs" c="dimmed">
            {t('triage.routedTo')}:
          </Text>{' '}
          {s.routes
            .flatMap((r) =>
              r.to
                .map((id) => parties.find((p) => p.id === id))
                .filter((p) => p !== undefined)
                .map((p) => partyLabel(p, exercise.era, layerShort)),
            )
            .join('; ')}
        </Text>
      )}
      {s.incidentId && (
        <Text fz="xs" data-testid="alert-incident">
          <Text span fz="xs" c="dimmed">
            {t('triage.incident')}:
          </Text>{' '}
          {s.incidentId}
          {incident ? ` · ${incident.title}` : ''}
        </Text>
      )}
      {s.notes.map((n, i) => (
        <Text key={i} fz="xs">
          <Text span fz="xs" c="dimmed">
            {time(n.virtualMs)} {members.get(n.userId) ?? ''}:
          </Text>{' '}
          {n.text}
        </Text>
      ))}
      {hints.map((h) => (
        <Text key={h.actionId} fz="xs" c="var(--mantine-color-yellow-text)">
          {t('triage.hintReceived')}: {h.text ? pick(h.text) : ''}
        </Text>
      ))}
    </Stack>
  );
}

/**
 * The triage dock of one alert. It is mounted per alert (keyed by its id), so nothing typed or
 * chosen on one alert shows on another; it starts empty (no verdict, severity, action or target is
 * pre-selected), a submit is enabled only once a choice is made, and a recorded action resets it.
 */
function TriageDock({
  row,
  earlier,
  verdictRequest,
  section,
  onSection,
}: {
  row: AlertRow;
  earlier: AlertRow[];
  verdictRequest: VerdictRequest | null;
  section: Section | null;
  onSection: (section: Section | null) => void;
}) {
  const { t, i18n } = useTranslation();
  const time = useVirtualTime();
  const { act, state, triageError, ended, members, userId, parties, exercise, briefing } = useConsole();
  const s = row.state;
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [reason, setReason] = useState('');
  const [duplicateOf, setDuplicateOf] = useState<string | null>(null);
  // Set when Enter could not record the verdict: the dock then says what is missing.
  const [missing, setMissing] = useState<string | null>(null);
  const [routeTo, setRouteTo] = useState<string[]>([]);
  const [escalate, setEscalate] = useState(false);
  const [routeMessage, setRouteMessage] = useState('');
  const [incidentTitle, setIncidentTitle] = useState(pick(row.alert.title).slice(0, 120));
  const [incidentId, setIncidentId] = useState<string | null>(null);
  const [responseAction, setResponseAction] = useState<ResponseAction | null>(null);
  const [responseTarget, setResponseTarget] = useState('');
  const [note, setNote] = useState('');
  const lang = i18n.language;

  // A verdict chosen with keys 1–4 on this alert (the page drops the request when the alert changes).
  useEffect(() => {
    if (verdictRequest?.alertId === row.id) setVerdict(verdictRequest.verdict);
  }, [verdictRequest, row.id]);
  useEffect(() => setMissing(null), [verdict, reason, duplicateOf]);

  const layerShort = (n: number) => t('layer.short', { n });
  const partyOptions = useMemo(() => parties.map((p) => ({ value: p.id, label: partyLabel(p, exercise.era, layerShort) })), [parties, exercise.era, lang]);
  const incidents = Object.values(state?.incidents ?? {}).filter((i) => !i.mergedInto);
  const targets = responseAction
    ? responseTargets(
        responseAction,
        row,
        briefing?.assets ?? [],
        parties.map((p) => p.id),
      )
    : [];
  // A drill that declares its targets (scenario `responseTargets`) offers them in a searchable picker;
  // typing is allowed only for the actions it lists as free text.
  const offered =
    responseAction && responseAction !== 'request-coordination'
      ? offeredTargets(TARGET_KINDS_OF_ACTION[responseAction], briefing?.responseTargets ?? null, briefing?.assets ?? [], pick)
      : null;
  const pickOnly = offered !== null && responseAction !== null && !(briefing?.responseTargets?.freeText ?? []).includes(responseAction);
  const offeredGroups = (offered ?? []).map((g) => ({ group: t(`response.targetKinds.${g.kind}`), items: g.items }));
  const disabled = (triageError !== null && triageError !== undefined) || ended;
  const ownerId = s?.ownerId ?? null;
  const ownedByOther = ownerId !== null && ownerId !== userId;
  const ownerName = ownerId ? (ownerId === userId ? t('queue.me') : (members.get(ownerId) ?? ownerId)) : t('queue.unowned');
  // The server's ownership lock covers verdict, severity and notes (ALERT_OWNED_BY_OTHER).
  const lockedForMe = disabled || ownedByOther;
  const needsReason = verdict === 'false-positive' || verdict === 'benign';
  const verdictReady = verdict !== null && !(needsReason && reason.trim().length < 3) && !(verdict === 'duplicate' && !duplicateOf);
  const mine = !ownerId || ownerId === userId;
  const rule = ownerId === null ? t('ownership.free') : ownerId === userId ? t('ownership.mine') : t('ownership.other', { name: ownerName });

  async function recordVerdict() {
    if (!verdictReady || lockedForMe || verdict === null) return;
    const ack = await act({
      type: 'alert.verdict',
      alertId: row.id,
      verdict,
      ...(verdict !== 'duplicate' && reason.trim() ? { reason: reason.trim() } : {}),
      ...(verdict === 'duplicate' && duplicateOf ? { duplicateOf } : {}),
    });
    if (ack) {
      setVerdict(null);
      setReason('');
      setDuplicateOf(null);
    }
  }

  /** Enter in the reason field records the verdict, or says why it cannot yet. */
  function submitFromField() {
    if (lockedForMe) return;
    if (verdictReady) void recordVerdict();
    else setMissing(verdict === null ? t('form.chooseVerdict') : needsReason ? t('verdict.reasonHint') : t('verdict.duplicateOf'));
  }

  const sectionLabel: Record<Section, string> = {
    route: t('detail.menu.route'),
    incident: t('detail.menu.incident'),
    response: t('detail.menu.response'),
    note: t('detail.menu.note'),
  };

  return (
    <Stack
      gap={6}
      p="sm"
      pt={6}
      aria-label={t('triage.title')}
      role="group"
      data-testid="triage-dock"
      style={{ borderTop: '1px solid var(--mantine-color-default-border)', flexShrink: 0 }}
    >
      {/* Ownership: who may record verdict, severity and notes */}
      <Group gap="xs" wrap="nowrap">
        <Text fz="sm" fw={600} data-testid="alert-owner" data-owner={ownerId === null ? 'none' : ownerId === userId ? 'me' : 'other'} lineClamp={1}>
          {t('triage.owner', { name: ownerName })}
        </Text>
        {!ended && !ownedByOther && (
          <Tooltip label={rule} multiline w={320} withArrow>
            <Text fz="xs" c="dimmed" aria-label={rule} data-testid="ownership-rule" tabIndex={0} style={{ cursor: 'help' }}>
              ⓘ
            </Text>
          </Tooltip>
        )}
        {s?.acknowledgedAtMs != null && (
          <Text fz="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
            {t('triage.acknowledgedBy', { time: time(s.acknowledgedAtMs) })}
          </Text>
        )}
        {!ownerId && (
          <Button size="compact-sm" onClick={() => void act({ type: 'alert.acknowledge', alertId: row.id })} disabled={disabled} data-testid="ack-button">
            {t('ownership.take')} (a)
          </Button>
        )}
        {ownerId === userId && (
          <Button size="compact-sm" variant="default" onClick={() => void act({ type: 'alert.release', alertId: row.id })} disabled={disabled}>
            {t('triage.release')}
          </Button>
        )}
        {ownedByOther && (
          <Button
            size="compact-sm"
            variant="light"
            onClick={() => void act({ type: 'alert.request-takeover', alertId: row.id })}
            disabled={disabled}
            data-testid="takeover-button"
          >
            {t('triage.takeover')}
          </Button>
        )}
        {mine && members.size > 1 && (
          <Select
            size="xs"
            w={160}
            ml="auto"
            aria-label={t('triage.assign')}
            placeholder={t('triage.assign')}
            data={[...members].filter(([id]) => id !== ownerId).map(([id, name]) => ({ value: id, label: name }))}
            value={null}
            onChange={(v) => v && void act({ type: 'alert.assign', alertId: row.id, userId: v })}
            disabled={disabled}
          />
        )}
      </Group>
      {!ended && ownedByOther && (
        <Text fz="xs" c="var(--mantine-color-yellow-text)" data-testid="ownership-rule">
          {rule}
        </Text>
      )}

      {/* Verdict: chosen, then recorded by the button, Enter in the reason field or ctrl+enter */}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void recordVerdict();
        }}
        aria-label={t('verdict.label')}
      >
        <Stack gap={4}>
          <SegmentedControl
            size="xs"
            fullWidth
            value={verdict ?? ''}
            onChange={(v) => setVerdict(v as Verdict)}
            data={VERDICTS.map((v, i) => ({ value: v, label: `${i + 1} · ${t(`verdict.${v}`)}` }))}
            aria-label={t('verdict.label')}
            data-testid="verdict-control"
            data-chosen={verdict ?? ''}
            disabled={lockedForMe}
          />
          <Group gap="xs" wrap="nowrap">
            {verdict === 'duplicate' ? (
              <Select
                size="xs"
                style={{ flex: 1 }}
                aria-label={t('verdict.duplicateOf')}
                placeholder={t('verdict.duplicateOf')}
                searchable
                data={earlier.map((r) => ({ value: r.id, label: `#${r.seq} ${r.title}`.slice(0, 120) }))}
                value={duplicateOf}
                onChange={setDuplicateOf}
                disabled={lockedForMe}
                data-testid="verdict-duplicate-of"
              />
            ) : (
              <TextInput
                size="xs"
                style={{ flex: 1 }}
                aria-label={`${t('verdict.reason')} (r)`}
                placeholder={
                  verdict === null
                    ? t('form.chooseVerdict')
                    : needsReason
                      ? `${t('verdict.reason')} (r): ${t('verdict.reasonHint')}`
                      : `${t('verdict.reason')} (r)`
                }
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                onKeyDown={(e) => {
                  // Esc leaves the field so the next key is a shortcut again, not text.
                  if (e.key === 'Escape') e.currentTarget.blur();
                  // Enter records (ctrl+enter is the page's shortcut); without a choice it says what is missing.
                  if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey && !e.nativeEvent.isComposing) {
                    e.preventDefault();
                    submitFromField();
                  }
                }}
                required={needsReason}
                disabled={lockedForMe}
                data-testid="verdict-reason"
              />
            )}
            <Button type="submit" size="xs" disabled={lockedForMe || !verdictReady} data-testid="verdict-submit" aria-keyshortcuts="Control+Enter">
              {t('verdict.set')}
            </Button>
          </Group>
          {missing && (
            <Text fz="xs" c="var(--mantine-color-yellow-text)" role="alert" data-testid="verdict-hint">
              {missing}
            </Text>
          )}
        </Stack>
      </form>

      {/* Severity: each click records (nothing is pre-selected until the team sets one) */}
      <Group gap="xs" wrap="nowrap">
        <Text fz="xs" fw={700} style={{ whiteSpace: 'nowrap' }} id={`severity-label-${row.id}`}>
          {t('triage.severityShort')}
        </Text>
        <SegmentedControl
          size="xs"
          style={{ flex: 1 }}
          value={s?.severity ?? ''}
          onChange={(v) => void act({ type: 'alert.severity', alertId: row.id, severity: v as Severity })}
          data={SEVERITIES.map((sev, i) => ({ value: sev, label: `⇧${i + 1} · ${t(`severity.${sev}`)}` }))}
          aria-label={t('triage.severity')}
          data-testid="severity-control"
          disabled={lockedForMe}
        />
      </Group>

      {/* The response menu: route, incident, response, note open one form each; a hint is one click. */}
      <Group gap={4} wrap="wrap" role="toolbar" aria-label={t('detail.responseMenu')}>
        {SECTIONS.map((id) => (
          <Button
            key={id}
            size="compact-xs"
            variant={section === id ? 'filled' : 'light'}
            color={id === 'response' ? 'orange' : 'blue'}
            aria-expanded={section === id}
            aria-controls="triage-section"
            onClick={() => onSection(section === id ? null : id)}
            data-testid={`menu-${id}`}
          >
            {sectionLabel[id]}
          </Button>
        ))}
        <Button
          size="compact-xs"
          variant="subtle"
          color="yellow"
          ml="auto"
          disabled={disabled}
          onClick={() => void act({ type: 'hint.request', for: { alertId: row.id } })}
          data-testid="hint-request"
        >
          {t('detail.menu.hint')}
        </Button>
      </Group>

      {section !== null && (
        <Stack gap={6} id="triage-section" data-testid={`section-${section}`}>
          {section === 'route' && (
            <>
              <MultiSelect
                size="xs"
                label={t('triage.routeTo')}
                data={partyOptions}
                value={routeTo}
                onChange={setRouteTo}
                searchable
                data-testid="route-parties"
                disabled={disabled}
                comboboxProps={{ withinPortal: true }}
              />
              <Group gap="xs" align="flex-end" wrap="nowrap">
                <TextInput
                  size="xs"
                  style={{ flex: 1 }}
                  label={t('triage.routeMessage')}
                  value={routeMessage}
                  onChange={(e) => setRouteMessage(e.currentTarget.value)}
                  disabled={disabled}
                />
                <Checkbox
                  size="xs"
                  label={t('triage.escalate')}
                  checked={escalate}
                  onChange={(e) => setEscalate(e.currentTarget.checked)}
                  mb={6}
                  disabled={disabled}
                />
                <Button
                  size="xs"
                  disabled={disabled || routeTo.length === 0}
                  onClick={async () => {
                    const ok = await act({
                      type: 'route',
                      target: { alertId: row.id },
                      to: routeTo,
                      escalate,
                      ...(routeMessage.trim() ? { message: routeMessage.trim() } : {}),
                    });
                    if (ok) {
                      setRouteTo([]);
                      setRouteMessage('');
                      setEscalate(false);
                    }
                  }}
                  data-testid="route-submit"
                >
                  {t('triage.routeSubmit')}
                </Button>
              </Group>
            </>
          )}
          {section === 'incident' && (
            <>
              <Group gap="xs" align="flex-end" wrap="nowrap">
                <TextInput
                  size="xs"
                  style={{ flex: 1 }}
                  label={t('incident.titleField')}
                  value={incidentTitle}
                  onChange={(e) => setIncidentTitle(e.currentTarget.value)}
                  disabled={disabled}
                  data-testid="incident-title"
                />
                <Button
                  size="xs"
                  variant="light"
                  disabled={disabled || !incidentTitle.trim()}
                  onClick={() => void act({ type: 'incident.create', title: incidentTitle.trim(), alertIds: [row.id] })}
                  data-testid="incident-create"
                >
                  {t('triage.createIncident')}
                </Button>
              </Group>
              {incidents.length > 0 && (
                <Group gap="xs" align="flex-end" wrap="nowrap">
                  <Select
                    size="xs"
                    style={{ flex: 1 }}
                    label={t('triage.linkIncident')}
                    data={incidents.map((i) => ({ value: i.id, label: `${i.id} · ${i.title}` }))}
                    value={incidentId}
                    onChange={setIncidentId}
                    disabled={disabled}
                  />
                  <Button
                    size="xs"
                    variant="light"
                    disabled={disabled || !incidentId}
                    onClick={async () => {
                      if (incidentId && (await act({ type: 'incident.link', incidentId, alertIds: [row.id] }))) setIncidentId(null);
                    }}
                  >
                    {t('incident.link')}
                  </Button>
                </Group>
              )}
            </>
          )}
          {/* Response: no action and no target until the trainee picks them */}
          {section === 'response' && (
            <Group gap="xs" align="flex-end" wrap="nowrap">
              <Select
                size="xs"
                style={{ flex: 1.3 }}
                label={t('response.action')}
                placeholder={t('form.chooseAction')}
                data={RESPONSE_ACTIONS.map((a) => ({ value: a, label: t(`response.actions.${a}`) }))}
                value={responseAction}
                onChange={(v) => {
                  // A target fits one action's kinds: a new action starts with none.
                  setResponseAction(v as ResponseAction | null);
                  setResponseTarget('');
                }}
                disabled={disabled}
                data-testid="response-action"
              />
              {pickOnly ? (
                <Select
                  size="xs"
                  style={{ flex: 1 }}
                  label={t('response.target')}
                  placeholder={t('form.pickTarget')}
                  data={offeredGroups}
                  value={responseTarget || null}
                  onChange={(v) => setResponseTarget(v ?? '')}
                  searchable
                  nothingFoundMessage={t('form.noTarget')}
                  comboboxProps={{ withinPortal: true, width: 440, position: 'top-end' }}
                  maxDropdownHeight={260}
                  disabled={disabled}
                  data-testid="response-target"
                />
              ) : (
                <Autocomplete
                  size="xs"
                  style={{ flex: 1 }}
                  label={t('response.target')}
                  placeholder={t('form.chooseTarget')}
                  data={
                    offered === null
                      ? targets
                      : [
                          ...offeredGroups.map((g) => ({ group: g.group, items: g.items.map((i) => i.value) })),
                          {
                            group: t('response.targetKinds.seen'),
                            items: targets.filter((v) => !(offered ?? []).some((g) => g.items.some((i) => i.value === v))),
                          },
                        ].filter((g) => g.items.length > 0)
                  }
                  value={responseTarget}
                  onChange={setResponseTarget}
                  disabled={disabled || responseAction === null}
                  data-testid="response-target"
                />
              )}
              <Button
                size="xs"
                color="orange"
                disabled={disabled || responseAction === null || !responseTarget.trim()}
                onClick={async () => {
                  if (responseAction === null) return;
                  const ok = await act({
                    type: 'response',
                    action: responseAction,
                    target: responseTarget.trim(),
                    ...(s?.incidentId ? { incidentId: s.incidentId } : {}),
                  });
                  if (ok) {
                    setResponseAction(null);
                    setResponseTarget('');
                  }
                }}
                data-testid="response-submit"
              >
                {t('response.submit')}
              </Button>
            </Group>
          )}
          {section === 'note' && (
            <Group gap="xs" align="flex-end" wrap="nowrap">
              <TextInput
                size="xs"
                style={{ flex: 1 }}
                label={t('detail.noteText')}
                value={note}
                onChange={(e) => setNote(e.currentTarget.value)}
                disabled={lockedForMe}
                data-testid="note-text"
              />
              <Button
                size="xs"
                variant="default"
                disabled={lockedForMe || !note.trim()}
                onClick={async () => {
                  if (await act({ type: 'alert.note', alertId: row.id, text: note.trim() })) setNote('');
                }}
                data-testid="note-submit"
              >
                {t('detail.addNote')}
              </Button>
            </Group>
          )}
        </Stack>
      )}
    </Stack>
  );
}

function AlertBody({ row }: { row: AlertRow }) {
  const { t } = useTranslation();
  const { investigate } = useConsole();
  const a = row.alert;
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text fz="xs" fw={700} component="h3" m={0}>
          {t('detail.description')}
        </Text>
        {investigate && (
          <Button size="compact-xs" variant="light" onClick={() => investigate({ kind: 'around', alertRef: row.id })} data-testid="alert-logs-around">
            {t('logs.aroundButton')}
          </Button>
        )}
      </Group>
      <Text fz="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="alert-description">
        {pick(a.description)}
      </Text>
      {a.raw && (
        <>
          <Group justify="space-between">
            <Text fz="xs" fw={700} component="h3" m={0}>
              {t('detail.raw')}
            </Text>
            <CopyButton value={a.raw}>
              {({ copied, copy }) => (
                // Words, not a glyph the bundled font may not have.
                <Button size="compact-xs" variant="default" onClick={copy} aria-label={t('detail.copyRaw')} data-testid="copy-raw">
                  {copied ? t('common.copied') : t('common.copy')}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Code block className="raw-log" data-testid="alert-raw">
            {a.raw}
          </Code>
        </>
      )}
      {a.observables.length > 0 && (
        <>
          <Text fz="xs" fw={700} component="h3" m={0}>
            {t('detail.observables')}
          </Text>
          <Table fz="xs" verticalSpacing={2} withRowBorders={false}>
            <Table.Tbody>
              {a.observables.map((o, i) => (
                <Table.Tr key={i}>
                  <Table.Td w={110} c="dimmed">
                    {o.type}
                  </Table.Td>
                  <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {investigate ? (
                      <Anchor
                        component="button"
                        type="button"
                        fz="xs"
                        ff="monospace"
                        ta="left"
                        title={t('logs.pivot')}
                        onClick={() => investigate({ kind: 'pivot', type: o.type, value: o.value })}
                        data-testid="observable-pivot"
                      >
                        {o.value}
                      </Anchor>
                    ) : (
                      o.value
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
      <Table fz="xs" verticalSpacing={2} withRowBorders={false}>
        <Table.Tbody>
          <Table.Tr>
            <Table.Td w={140} c="dimmed">
              {t('detail.source')}
            </Table.Td>
            <Table.Td>
              {t('layer.short', { n: a.layer })} · {t(`sensor.${a.sensor}`, { defaultValue: a.sensor })}
            </Table.Td>
          </Table.Tr>
          {a.technique && (
            <Table.Tr>
              <Table.Td c="dimmed">{t('detail.technique')}</Table.Td>
              <Table.Td>{a.technique}</Table.Td>
            </Table.Tr>
          )}
          {a.asset && (
            <Table.Tr>
              <Table.Td c="dimmed">{t('detail.asset')}</Table.Td>
              <Table.Td>{a.asset}</Table.Td>
            </Table.Tr>
          )}
          {a.rule && (
            <Table.Tr>
              <Table.Td c="dimmed">{t('detail.rule')}</Table.Td>
              <Table.Td>
                {a.rule.name}
                {a.rule.id ? ` (${a.rule.id})` : ''}
              </Table.Td>
            </Table.Tr>
          )}
          {a.rule?.author && (
            <Table.Tr>
              <Table.Td c="dimmed">{t('detail.ruleAuthor')}</Table.Td>
              <Table.Td>{a.rule.author}</Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      {a.fields && Object.keys(a.fields).length > 0 && (
        <>
          <Text fz="xs" fw={700} component="h3" m={0}>
            {t('detail.fields')}
          </Text>
          <Table fz="xs" verticalSpacing={2} striped data-testid="alert-fields">
            <Table.Tbody>
              {Object.entries(a.fields).map(([k, v]) => (
                <Table.Tr key={k}>
                  <Table.Td ff="monospace" w={200} c="dimmed">
                    {k}
                  </Table.Td>
                  <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {Array.isArray(v) ? v.map(String).join(', ') : String(v)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Stack>
  );
}
