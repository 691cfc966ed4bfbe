import { ActionIcon, Autocomplete, Badge, Button, Checkbox, Code, CopyButton, Divider, Group, MultiSelect, Paper, ScrollArea, SegmentedControl, Select, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Severity } from '@contracts/common.schema.js';
import { RESPONSE_ACTIONS, VERDICTS, type ResponseAction, type Verdict } from '@contracts/scenario.schema.js';
import { formatClock, pick } from '../lib/format.js';
import { SEVERITY_COLOR } from './alert-queue.js';
import { useConsole } from './console-context.js';
import { partyLabel, SEVERITIES, type AlertRow } from './console-model.js';

export interface VerdictRequest {
  verdict: Verdict;
  nonce: number;
}

const HOST_ACTIONS = new Set<ResponseAction>([
  'isolate-host', 'maintenance-page', 'remove-webshell', 'remove-malware', 'patch', 'restore-backup', 'reset-credentials',
  'heightened-monitoring', 'reassessment', 'preserve-evidence', 'review-shared-code', 'rate-limit', 'disable-account',
]);

export function responseTargets(action: ResponseAction, row: AlertRow | null, assets: ReadonlyArray<{ id: string }>, partyIds: string[]): string[] {
  if (HOST_ACTIONS.has(action)) {
    const accounts = action === 'disable-account' || action === 'reset-credentials' ? (row?.alert.observables ?? []).filter((o) => o.type === 'account').map((o) => o.value) : [];
    return [...new Set([...(row?.alert.asset ? [row.alert.asset] : []), ...assets.map((a) => a.id), ...accounts])];
  }
  if (action === 'block-ip') return [...new Set((row?.alert.observables ?? []).filter((o) => o.type === 'ip').map((o) => o.value))];
  if (action === 'block-domain') return [...new Set((row?.alert.observables ?? []).filter((o) => o.type === 'domain').map((o) => o.value))];
  return partyIds;
}

export function AlertDetail({ row, rows, verdictRequest, height }: { row: AlertRow | null; rows: AlertRow[]; verdictRequest: VerdictRequest | null; height: string }) {
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
      <ScrollArea style={{ flex: 1 }} p="sm" type="auto">
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
        <Badge variant="outline" color="gray">{t(`sensor.${a.sensor}`, { defaultValue: a.sensor })}</Badge>
        <Tooltip label={t('detail.sensorSeverity')}>
          <Badge color={SEVERITY_COLOR[a.severity]}>{t(`severity.${a.severity}`)}</Badge>
        </Tooltip>
        {a.technique && <Badge color="violet" variant="light">{a.technique}</Badge>}
        {a.asset && <Badge color="cyan" variant="light">{a.asset}</Badge>}
        <Text fz="xs" c="dimmed">
          {/* The origin (timeline/noise) is never shown: it would give the verdict away. */}
          {t('detail.deliveredAt')} {formatClock(row.deliveredMs)} {row.event.catchUp ? `· ${t('detail.catchUp')}` : ''} · #{row.seq}
        </Text>
      </Group>
    </Stack>
  );
}

function TriagePanel({ row, earlier, verdictRequest }: { row: AlertRow; earlier: AlertRow[]; verdictRequest: VerdictRequest | null }) {
  const { t, i18n } = useTranslation();
  const { act, state, triageError, members, userId, parties, exercise, briefing } = useConsole();
  const s = row.state;
  const [verdict, setVerdict] = useState<Verdict>(s?.verdict ?? 'true-positive');
  const [reason, setReason] = useState(s?.verdictReason ?? '');
  const [duplicateOf, setDuplicateOf] = useState<string | null>(s?.duplicateOf ?? null);
  const [routeTo, setRouteTo] = useState<string[]>([]);
  const [escalate, setEscalate] = useState(false);
  const [routeMessage, setRouteMessage] = useState('');
  const [incidentTitle, setIncidentTitle] = useState(pick(row.alert.title).slice(0, 120));
  const [incidentId, setIncidentId] = useState<string | null>(null);
  const [responseAction, setResponseAction] = useState<ResponseAction>('isolate-host');
  const [responseTarget, setResponseTarget] = useState(row.alert.asset ?? '');
  const [note, setNote] = useState('');
  const reasonRef = useRef<HTMLInputElement>(null);
  const lang = i18n.language;

  useEffect(() => {
    if (!verdictRequest) return;
    setVerdict(verdictRequest.verdict);
    if (verdictRequest.verdict !== 'true-positive') setTimeout(() => reasonRef.current?.focus(), 0);
  }, [verdictRequest]);

  const layerShort = (n: number) => t('layer.short', { n });
  const partyOptions = useMemo(() => parties.map((p) => ({ value: p.id, label: partyLabel(p, exercise.era, layerShort) })), [parties, exercise.era, lang]);
  const incidents = Object.values(state?.incidents ?? {}).filter((i) => !i.mergedInto);
  const targets = responseTargets(responseAction, row, briefing?.assets ?? [], parties.map((p) => p.id));
  const disabled = triageError !== null && triageError !== undefined;
  const ownerName = s?.ownerId ? (s.ownerId === userId ? t('queue.me') : (members.get(s.ownerId) ?? s.ownerId)) : t('queue.unowned');
  const needsReason = verdict === 'false-positive' || verdict === 'benign';
  const mine = !s?.ownerId || s.ownerId === userId;

  return (
    <Stack gap="xs" aria-label={t('triage.title')} role="group">
      {/* Ownership */}
      <Group gap="xs" wrap="wrap">
        <Text fz="sm" data-testid="alert-owner">{t('triage.owner', { name: ownerName })}</Text>
        {s?.acknowledgedAtMs != null && <Text fz="xs" c="dimmed">{t('triage.acknowledgedBy', { time: formatClock(s.acknowledgedAtMs) })}</Text>}
        {!s?.ownerId && (
          <Button size="xs" onClick={() => void act({ type: 'alert.acknowledge', alertId: row.id })} disabled={disabled} data-testid="ack-button">
            {t('triage.acknowledge')} (a)
          </Button>
        )}
        {s?.ownerId === userId && (
          <Button size="xs" variant="default" onClick={() => void act({ type: 'alert.release', alertId: row.id })} disabled={disabled}>
            {t('triage.release')}
          </Button>
        )}
        {s?.ownerId && s.ownerId !== userId && (
          <Button size="xs" variant="light" onClick={() => void act({ type: 'alert.request-takeover', alertId: row.id })} disabled={disabled}>
            {t('triage.takeover')}
          </Button>
        )}
        {mine && members.size > 1 && (
          <Select
            size="xs"
            w={180}
            aria-label={t('triage.assign')}
            placeholder={t('triage.assign')}
            data={[...members].filter(([id]) => id !== s?.ownerId).map(([id, name]) => ({ value: id, label: name }))}
            value={null}
            onChange={(v) => v && void act({ type: 'alert.assign', alertId: row.id, userId: v })}
            disabled={disabled}
          />
        )}
      </Group>

      {/* Verdict */}
      <Text fz="xs" fw={700} component="h3" m={0}>{t('verdict.label')}: <Text span fz="xs" data-testid="current-verdict">{s?.verdict ? t(`verdict.${s.verdict}`) : t('verdict.none')}</Text></Text>
      <SegmentedControl
        size="xs"
        fullWidth
        value={verdict}
        onChange={(v) => setVerdict(v as Verdict)}
        data={VERDICTS.map((v, i) => ({ value: v, label: `${i + 1} · ${t(`verdict.${v}`)}` }))}
        aria-label={t('verdict.label')}
        data-testid="verdict-control"
        disabled={disabled}
      />
      <Group gap="xs" align="flex-end" wrap="nowrap">
        {verdict === 'duplicate' ? (
          <Select size="xs" style={{ flex: 1 }} label={t('verdict.duplicateOf')} searchable data={earlier.map((r) => ({ value: r.id, label: `#${r.seq} ${r.title}`.slice(0, 120) }))} value={duplicateOf} onChange={setDuplicateOf} />
        ) : (
          <TextInput ref={reasonRef} size="xs" style={{ flex: 1 }} label={t('verdict.reason')} description={needsReason ? t('verdict.reasonHint') : undefined} value={reason} onChange={(e) => setReason(e.currentTarget.value)} required={needsReason} data-testid="verdict-reason" />
        )}
        <Button
          size="xs"
          disabled={disabled || (needsReason && reason.trim().length < 3) || (verdict === 'duplicate' && !duplicateOf)}
          onClick={() =>
            void act({
              type: 'alert.verdict',
              alertId: row.id,
              verdict,
              ...(reason.trim() ? { reason: reason.trim() } : {}),
              ...(verdict === 'duplicate' && duplicateOf ? { duplicateOf } : {}),
            })
          }
          data-testid="verdict-submit"
        >
          {t('verdict.set')}
        </Button>
      </Group>

      {/* Severity */}
      <Text fz="xs" fw={700} component="h3" m={0}>{t('triage.severity')}</Text>
      <SegmentedControl
        size="xs"
        fullWidth
        value={s?.severity ?? ''}
        onChange={(v) => void act({ type: 'alert.severity', alertId: row.id, severity: v as Severity })}
        data={SEVERITIES.map((sev, i) => ({ value: sev, label: `⇧${i + 1} · ${t(`severity.${sev}`)}` }))}
        aria-label={t('triage.severity')}
        data-testid="severity-control"
        disabled={disabled}
      />

      {/* Route / escalate */}
      <Text fz="xs" fw={700} component="h3" m={0}>{t('triage.route')}</Text>
      <MultiSelect size="xs" label={t('triage.routeTo')} data={partyOptions} value={routeTo} onChange={setRouteTo} searchable data-testid="route-parties" disabled={disabled} comboboxProps={{ withinPortal: true }} />
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <TextInput size="xs" style={{ flex: 1 }} label={t('triage.routeMessage')} value={routeMessage} onChange={(e) => setRouteMessage(e.currentTarget.value)} />
        <Checkbox size="xs" label={t('triage.escalate')} checked={escalate} onChange={(e) => setEscalate(e.currentTarget.checked)} mb={6} />
        <Button
          size="xs"
          disabled={disabled || routeTo.length === 0}
          onClick={async () => {
            const ok = await act({ type: 'route', target: { alertId: row.id }, to: routeTo, escalate, ...(routeMessage.trim() ? { message: routeMessage.trim() } : {}) });
            if (ok) setRouteTo([]);
          }}
          data-testid="route-submit"
        >
          {t('triage.routeSubmit')}
        </Button>
      </Group>
      {s && s.routes.length > 0 && (
        <Text fz="xs" c="dimmed" data-testid="alert-routes">
          {t('triage.routedTo')}: {s.routes.flatMap((r) => r.to.map((id) => parties.find((p) => p.id === id)).filter((p) => p !== undefined).map((p) => partyLabel(p, exercise.era, layerShort))).join('; ')}
        </Text>
      )}

      {/* Incident */}
      <Text fz="xs" fw={700} component="h3" m={0}>{t('triage.incident')}{s?.incidentId ? `: ${state?.incidents[s.incidentId]?.title ?? s.incidentId}` : ''}</Text>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <TextInput size="xs" style={{ flex: 1 }} label={t('incident.titleField')} value={incidentTitle} onChange={(e) => setIncidentTitle(e.currentTarget.value)} data-testid="incident-title" />
        <Button size="xs" variant="light" disabled={disabled || !incidentTitle.trim()} onClick={() => void act({ type: 'incident.create', title: incidentTitle.trim(), alertIds: [row.id] })} data-testid="incident-create">
          {t('triage.createIncident')}
        </Button>
      </Group>
      {incidents.length > 0 && (
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <Select size="xs" style={{ flex: 1 }} label={t('triage.linkIncident')} data={incidents.map((i) => ({ value: i.id, label: `${i.id} · ${i.title}` }))} value={incidentId} onChange={setIncidentId} />
          <Button size="xs" variant="light" disabled={disabled || !incidentId} onClick={() => incidentId && void act({ type: 'incident.link', incidentId, alertIds: [row.id] })}>
            {t('incident.link')}
          </Button>
        </Group>
      )}

      {/* Response */}
      <Text fz="xs" fw={700} component="h3" m={0}>{t('response.title')}</Text>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <Select
          size="xs"
          style={{ flex: 1.3 }}
          label={t('response.action')}
          data={RESPONSE_ACTIONS.map((a) => ({ value: a, label: t(`response.actions.${a}`) }))}
          value={responseAction}
          onChange={(v) => {
            if (!v) return;
            const next = v as ResponseAction;
            setResponseAction(next);
            setResponseTarget(responseTargets(next, row, briefing?.assets ?? [], parties.map((p) => p.id))[0] ?? '');
          }}
          allowDeselect={false}
          data-testid="response-action"
        />
        <Autocomplete size="xs" style={{ flex: 1 }} label={t('response.target')} data={targets} value={responseTarget} onChange={setResponseTarget} data-testid="response-target" />
        <Button
          size="xs"
          color="orange"
          disabled={disabled || !responseTarget.trim()}
          onClick={() => void act({ type: 'response', action: responseAction, target: responseTarget.trim(), ...(s?.incidentId ? { incidentId: s.incidentId } : {}) })}
          data-testid="response-submit"
        >
          {t('response.submit')}
        </Button>
      </Group>

      {/* Notes and hints */}
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <TextInput size="xs" style={{ flex: 1 }} label={t('detail.noteText')} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
        <Button
          size="xs"
          variant="default"
          disabled={disabled || !note.trim()}
          onClick={async () => {
            if (await act({ type: 'alert.note', alertId: row.id, text: note.trim() })) setNote('');
          }}
        >
          {t('detail.addNote')}
        </Button>
        <Button size="xs" variant="subtle" color="yellow" disabled={disabled} onClick={() => void act({ type: 'hint.request', for: { alertId: row.id } })}>
          {t('triage.hint')}
        </Button>
      </Group>
      {s && s.notes.length > 0 && (
        <Stack gap={2}>
          {s.notes.map((n, i) => (
            <Text key={i} fz="xs">
              <Text span c="dimmed">{formatClock(n.virtualMs)} {members.get(n.userId) ?? ''}:</Text> {n.text}
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
      <Text fz="xs" fw={700} component="h3" m={0}>{t('detail.description')}</Text>
      <Text fz="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="alert-description">
        {pick(a.description)}
      </Text>
      {a.raw && (
        <>
          <Group justify="space-between">
            <Text fz="xs" fw={700} component="h3" m={0}>{t('detail.raw')}</Text>
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
          <Text fz="xs" fw={700} component="h3" m={0}>{t('detail.observables')}</Text>
          <Table fz="xs" verticalSpacing={2} withRowBorders={false}>
            <Table.Tbody>
              {a.observables.map((o, i) => (
                <Table.Tr key={i}>
                  <Table.Td w={110} c="dimmed">{o.type}</Table.Td>
                  <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>{o.value}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
      <Table fz="xs" verticalSpacing={2} withRowBorders={false}>
        <Table.Tbody>
          <Table.Tr><Table.Td w={140} c="dimmed">{t('detail.source')}</Table.Td><Table.Td>{t('layer.short', { n: a.layer })} · {t(`sensor.${a.sensor}`, { defaultValue: a.sensor })}</Table.Td></Table.Tr>
          {a.technique && <Table.Tr><Table.Td c="dimmed">{t('detail.technique')}</Table.Td><Table.Td>{a.technique}</Table.Td></Table.Tr>}
          {a.asset && <Table.Tr><Table.Td c="dimmed">{t('detail.asset')}</Table.Td><Table.Td>{a.asset}</Table.Td></Table.Tr>}
          {a.rule && <Table.Tr><Table.Td c="dimmed">{t('detail.rule')}</Table.Td><Table.Td>{a.rule.name}{a.rule.id ? ` (${a.rule.id})` : ''}</Table.Td></Table.Tr>}
          {a.rule?.author && <Table.Tr><Table.Td c="dimmed">{t('detail.ruleAuthor')}</Table.Td><Table.Td>{a.rule.author}</Table.Td></Table.Tr>}
        </Table.Tbody>
      </Table>
      {a.fields && Object.keys(a.fields).length > 0 && (
        <>
          <Text fz="xs" fw={700} component="h3" m={0}>{t('detail.fields')}</Text>
          <Table fz="xs" verticalSpacing={2} striped data-testid="alert-fields">
            <Table.Tbody>
              {Object.entries(a.fields).map(([k, v]) => (
                <Table.Tr key={k}>
                  <Table.Td ff="monospace" w={200} c="dimmed">{k}</Table.Td>
                  <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>{String(v)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Stack>
  );
}


