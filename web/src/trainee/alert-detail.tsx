import {
  ActionIcon,
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
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Severity } from '@contracts/common.schema.js';
import { HOST_TARGET_ACTIONS, RESPONSE_ACTIONS, VERDICTS, type ResponseAction, type Verdict } from '@contracts/scenario.schema.js';
import { formatClock, pick } from '../lib/format.js';
import { SEVERITY_COLOR } from './alert-queue.js';
import { useConsole } from './console-context.js';
import { partyLabel, SEVERITIES, type AlertRow } from './console-model.js';

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
  if (!row) {
    return (
      <Paper withBorder p="md" h={height}>
        <Text c="dimmed">{t('detail.select')}</Text>
      </Paper>
    );
  }
  return (
    <Paper withBorder p={0} h={height} style={{ display: 'flex', flexDirection: 'column' }} aria-labelledby="alert-detail-title" data-testid="alert-detail">
      {/* Keyed by the alert: another alert opens at its top, not where the last one was scrolled. */}
      <ScrollArea key={row.id} style={{ flex: 1 }} p="sm" type="auto">
        <AlertHeader row={row} />
        <TriagePanel key={row.id} row={row} earlier={rows.filter((r) => r.seq < row.seq)} verdictRequest={verdictRequest} />
        <Divider my="sm" />
        <AlertBody row={row} />
      </ScrollArea>
    </Paper>
  );
}

function AlertHeader({ row }: { row: AlertRow }) {
  const { t } = useTranslation();
  const a = row.alert;
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
        <Text fz="xs" c="dimmed">
          {/* The origin (timeline/noise) is never shown: it would give the verdict away. */}
          {t('detail.deliveredAt')} {formatClock(row.deliveredMs)} {row.event.catchUp ? `· ${t('detail.catchUp')}` : ''} · #{row.seq}
        </Text>
      </Group>
    </Stack>
  );
}

/**
 * The triage form of one alert. It is mounted per alert (keyed by its id), so nothing typed or
 * chosen on one alert shows on another; it starts empty (no verdict, severity, action or target is
 * pre-selected), a submit is enabled only once a choice is made, and a recorded action resets it.
 */
function TriagePanel({ row, earlier, verdictRequest }: { row: AlertRow; earlier: AlertRow[]; verdictRequest: VerdictRequest | null }) {
  const { t, i18n } = useTranslation();
  const { act, state, triageError, ended, members, userId, parties, exercise, briefing } = useConsole();
  const s = row.state;
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [reason, setReason] = useState('');
  const [duplicateOf, setDuplicateOf] = useState<string | null>(null);
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
  const disabled = (triageError !== null && triageError !== undefined) || ended;
  const ownerId = s?.ownerId ?? null;
  const ownedByOther = ownerId !== null && ownerId !== userId;
  const ownerName = ownerId ? (ownerId === userId ? t('queue.me') : (members.get(ownerId) ?? ownerId)) : t('queue.unowned');
  // The server's ownership lock covers verdict, severity and notes (ALERT_OWNED_BY_OTHER).
  const lockedForMe = disabled || ownedByOther;
  const needsReason = verdict === 'false-positive' || verdict === 'benign';
  const verdictReady = verdict !== null && !(needsReason && reason.trim().length < 3) && !(verdict === 'duplicate' && !duplicateOf);
  const mine = !ownerId || ownerId === userId;

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

  return (
    <Stack gap="xs" aria-label={t('triage.title')} role="group">
      {/* Ownership: who may record verdict, severity and notes */}
      <Group gap="xs" wrap="wrap">
        <Text fz="sm" fw={600} data-testid="alert-owner" data-owner={ownerId === null ? 'none' : ownerId === userId ? 'me' : 'other'}>
          {t('triage.owner', { name: ownerName })}
        </Text>
        {s?.acknowledgedAtMs != null && (
          <Text fz="xs" c="dimmed">
            {t('triage.acknowledgedBy', { time: formatClock(s.acknowledgedAtMs) })}
          </Text>
        )}
        {!ownerId && (
          <Button size="xs" onClick={() => void act({ type: 'alert.acknowledge', alertId: row.id })} disabled={disabled} data-testid="ack-button">
            {t('ownership.take')} (a)
          </Button>
        )}
        {ownerId === userId && (
          <Button size="xs" variant="default" onClick={() => void act({ type: 'alert.release', alertId: row.id })} disabled={disabled}>
            {t('triage.release')}
          </Button>
        )}
        {ownedByOther && (
          <Button
            size="xs"
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
            w={180}
            aria-label={t('triage.assign')}
            placeholder={t('triage.assign')}
            data={[...members].filter(([id]) => id !== ownerId).map(([id, name]) => ({ value: id, label: name }))}
            value={null}
            onChange={(v) => v && void act({ type: 'alert.assign', alertId: row.id, userId: v })}
            disabled={disabled}
          />
        )}
      </Group>
      {!ended && (
        <Text fz="xs" c={ownedByOther ? 'var(--mantine-color-yellow-text)' : 'dimmed'} data-testid="ownership-rule">
          {ownerId === null ? t('ownership.free') : ownerId === userId ? t('ownership.mine') : t('ownership.other', { name: ownerName })}
        </Text>
      )}

      {/* Verdict: chosen, then recorded by the button (or ctrl+enter) */}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void recordVerdict();
        }}
        aria-labelledby="verdict-heading"
      >
        <Stack gap={6}>
          <Text fz="xs" fw={700} component="h3" m={0} id="verdict-heading">
            {t('verdict.label')}:{' '}
            <Text span fz="xs" data-testid="current-verdict">
              {s?.verdict ? t(`verdict.${s.verdict}`) : t('verdict.none')}
            </Text>
          </Text>
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
          <Group gap="xs" align="flex-end" wrap="nowrap">
            {verdict === 'duplicate' ? (
              <Select
                size="xs"
                style={{ flex: 1 }}
                label={t('verdict.duplicateOf')}
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
                label={`${t('verdict.reason')} (r)`}
                description={needsReason ? t('verdict.reasonHint') : undefined}
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                onKeyDown={(e) => {
                  // Esc leaves the field so the next key is a shortcut again, not text.
                  if (e.key === 'Escape') e.currentTarget.blur();
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
          {verdict === null && !lockedForMe && (
            <Text fz="xs" c="dimmed" data-testid="verdict-hint">
              {t('form.chooseVerdict')}
            </Text>
          )}
        </Stack>
      </form>

      {/* Severity: each click records (nothing is pre-selected until the team sets one) */}
      <Text fz="xs" fw={700} component="h3" m={0}>
        {t('triage.severity')}
      </Text>
      <SegmentedControl
        size="xs"
        fullWidth
        value={s?.severity ?? ''}
        onChange={(v) => void act({ type: 'alert.severity', alertId: row.id, severity: v as Severity })}
        data={SEVERITIES.map((sev, i) => ({ value: sev, label: `⇧${i + 1} · ${t(`severity.${sev}`)}` }))}
        aria-label={t('triage.severity')}
        data-testid="severity-control"
        disabled={lockedForMe}
      />

      {/* Route / escalate */}
      <Text fz="xs" fw={700} component="h3" m={0}>
        {t('triage.route')}
      </Text>
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
        <Checkbox size="xs" label={t('triage.escalate')} checked={escalate} onChange={(e) => setEscalate(e.currentTarget.checked)} mb={6} disabled={disabled} />
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
      {s && s.routes.length > 0 && (
        <Text fz="xs" c="dimmed" data-testid="alert-routes">
          {t('triage.routedTo')}:{' '}
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

      {/* Incident */}
      <Text fz="xs" fw={700} component="h3" m={0}>
        {t('triage.incident')}
        {s?.incidentId ? `: ${state?.incidents[s.incidentId]?.title ?? s.incidentId}` : ''}
      </Text>
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

      {/* Response: no action and no target until the trainee picks them */}
      <Text fz="xs" fw={700} component="h3" m={0}>
        {t('response.title')}
      </Text>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <Select
          size="xs"
          style={{ flex: 1.3 }}
          label={t('response.action')}
          placeholder={t('form.chooseAction')}
          data={RESPONSE_ACTIONS.map((a) => ({ value: a, label: t(`response.actions.${a}`) }))}
          value={responseAction}
          onChange={(v) => setResponseAction(v as ResponseAction | null)}
          disabled={disabled}
          data-testid="response-action"
        />
        <Autocomplete
          size="xs"
          style={{ flex: 1 }}
          label={t('response.target')}
          placeholder={t('form.chooseTarget')}
          data={targets}
          value={responseTarget}
          onChange={setResponseTarget}
          disabled={disabled || responseAction === null}
          data-testid="response-target"
        />
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

      {/* Notes and hints */}
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
        <Button
          size="xs"
          variant="subtle"
          color="yellow"
          disabled={disabled}
          onClick={() => void act({ type: 'hint.request', for: { alertId: row.id } })}
          data-testid="hint-request"
        >
          {t('triage.hint')}
        </Button>
      </Group>
      {s && s.notes.length > 0 && (
        <Stack gap={2}>
          {s.notes.map((n, i) => (
            <Text key={i} fz="xs">
              <Text span c="dimmed">
                {formatClock(n.virtualMs)} {members.get(n.userId) ?? ''}:
              </Text>{' '}
              {n.text}
            </Text>
          ))}
        </Stack>
      )}
      {(state?.hints ?? [])
        .filter((h) => 'alertId' in h.for && h.for.alertId === row.id && h.text)
        .map((h) => (
          <Text key={h.actionId} fz="xs" c="var(--mantine-color-yellow-text)">
            {t('triage.hintReceived')}: {h.text ? pick(h.text) : ''}
          </Text>
        ))}
    </Stack>
  );
}

function AlertBody({ row }: { row: AlertRow }) {
  const { t } = useTranslation();
  const a = row.alert;
  return (
    <Stack gap="xs">
      <Text fz="xs" fw={700} component="h3" m={0}>
        {t('detail.description')}
      </Text>
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
                <Tooltip label={copied ? t('common.copied') : t('detail.copyRaw')}>
                  <ActionIcon variant="default" size="sm" onClick={copy} aria-label={t('detail.copyRaw')} data-testid="copy-raw">
                    <span aria-hidden="true">{copied ? '✓' : '⧉'}</span>
                  </ActionIcon>
                </Tooltip>
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
                    {o.value}
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
                    {String(v)}
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
