import { Badge, Button, Grid, Group, MultiSelect, NumberInput, Paper, Select, Stack, Table, Text, TextInput, Textarea, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { OBSERVABLE_TYPES, REPORT_KINDS, type ReportContentField, type ReportKind } from '@contracts/scenario.schema.js';
import type { ReportDeadlines } from '@contracts/triage.schema.js';
import { queries } from '../api/queries.js';
import { ErrorText, isMissingEndpoint } from '../components/error-text.js';
import { latestGrades, ReportGradeBadge } from '../components/report-grade-badge.js';
import { formatClock, pick } from '../lib/format.js';
import { useTicker } from '../realtime/hooks.js';
import { useConsole } from './console-context.js';
import { partyLabel } from './console-model.js';

const DEADLINE_COLOR = { 'not-started': 'gray', upcoming: 'blue', open: 'yellow', met: 'teal', late: 'orange', overdue: 'red' } as const;

export function DeadlinesList({ deadlines, error, compact = false }: { deadlines: ReportDeadlines | null; error: unknown; compact?: boolean }) {
  const { t } = useTranslation();
  const { virtualMs } = useConsole();
  useTicker(500);
  if (error)
    return isMissingEndpoint(error) ? (
      <Text fz="xs" c="dimmed">
        {t('report.noDeadlines')}
      </Text>
    ) : (
      <ErrorText error={error} />
    );
  if (!deadlines) return null;
  const now = virtualMs();
  // The header shows only the most urgent running countdown; the reports tab shows them all.
  const list = compact
    ? deadlines.deadlines
        .filter((d) => d.status === 'open' && d.dueAtMs !== null)
        .sort((a, b) => a.dueAtMs! - b.dueAtMs!)
        .slice(0, 1)
    : deadlines.deadlines;
  return (
    <Stack gap={4} data-testid={compact ? 'deadlines-compact' : 'deadlines'}>
      {list.map((d) => {
        const remaining = d.status === 'open' && d.dueAtMs !== null ? d.dueAtMs - now : null;
        const status = remaining !== null && remaining < 0 ? 'overdue' : d.status;
        return (
          <Group key={d.obligationId} gap="xs" wrap="nowrap" data-testid={compact ? 'deadline-compact' : 'deadline'} data-kind={d.kind} data-status={status}>
            <Badge color={DEADLINE_COLOR[status]} size="sm" variant={status === 'open' ? 'filled' : 'light'}>
              {t(`report.deadlineStatus.${status}`)}
            </Badge>
            <Tooltip label={`${t('report.legalBasis')}: ${pick(d.legalBasis)}`} multiline w={360}>
              <Text fz="sm" fw={600}>
                {t(`report.kinds.${d.kind}`)}
              </Text>
            </Tooltip>
            {remaining !== null && remaining >= 0 && (
              <Text fz="sm" ff="monospace" c="var(--mantine-color-yellow-text)" data-testid="deadline-countdown">
                {t('report.remaining', { time: formatClock(remaining) })}
              </Text>
            )}
            {d.dueAtMs !== null && !compact && (
              <Text fz="xs" c="dimmed">
                {t('report.due', { time: formatClock(d.dueAtMs) })}
              </Text>
            )}
          </Group>
        );
      })}
    </Stack>
  );
}

/**
 * What the law asks of the chosen kind of report: its required recipients and content, the legal
 * basis in full and the time left on the virtual clock. Only the rule pack's public law is shown,
 * never which alert or incident started the scorer's clock.
 */
function ReportLaw({ kind, deadlines, onAddRecipients }: { kind: ReportKind; deadlines: ReportDeadlines | null; onAddRecipients: (ids: string[]) => void }) {
  const { t } = useTranslation();
  const { virtualMs, parties, exercise } = useConsole();
  useTicker(500);
  const layerShort = (n: number) => t('layer.short', { n });
  const rules = (deadlines?.deadlines ?? []).filter((d) => d.kind === kind);
  const now = virtualMs();
  return (
    <Paper withBorder p="sm" data-testid="report-law" aria-labelledby="report-law-title">
      <Title order={3} fz="sm" id="report-law-title" mb="xs">
        {t('report.law.title')} — {t(`report.kinds.${kind}`)}
      </Title>
      {rules.length === 0 && (
        <Text fz="sm" c="dimmed" data-testid="report-law-none">
          {t('report.law.none')}
        </Text>
      )}
      <Stack gap="sm">
        {rules.map((d) => {
          const allowed = formatClock(d.allowedMs);
          const remaining = d.status === 'open' && d.dueAtMs !== null ? d.dueAtMs - now : null;
          const status = remaining !== null && remaining < 0 ? 'overdue' : d.status;
          return (
            <Stack key={d.obligationId} gap={4} data-testid="report-law-rule" data-status={status}>
              <Group gap="xs">
                <Badge color={DEADLINE_COLOR[status]} size="sm" variant={status === 'open' ? 'filled' : 'light'}>
                  {t(`report.deadlineStatus.${status}`)}
                </Badge>
                {remaining !== null && remaining >= 0 && (
                  <Text fz="sm" ff="monospace" fw={700} c="var(--mantine-color-yellow-text)" data-testid="report-law-countdown">
                    {t('report.law.timeLeft')}: {formatClock(remaining)}
                  </Text>
                )}
                {status === 'not-started' && <Text fz="xs">{t('report.law.notStarted', { allowed })}</Text>}
                {status === 'upcoming' && d.startsAtMs !== null && (
                  <Text fz="xs">{t('report.law.upcoming', { allowed, time: formatClock(d.startsAtMs) })}</Text>
                )}
                {(status === 'met' || status === 'late') && d.filedAtMs !== null && (
                  <Text fz="xs">{t('report.law.filed', { time: formatClock(d.filedAtMs) })}</Text>
                )}
                {status === 'overdue' && d.dueAtMs !== null && <Text fz="xs">{t('report.law.overdue', { time: formatClock(d.dueAtMs) })}</Text>}
              </Group>
              <Text fz="xs" fw={600}>
                {t('report.law.recipients')}
              </Text>
              <Group gap={4} data-testid="report-law-recipients">
                {d.recipients.map((id) => {
                  const party = parties.find((p) => p.id === id);
                  return (
                    <Badge key={id} variant="outline" size="sm" tt="none" data-party={id}>
                      {party ? partyLabel(party, exercise.era, layerShort) : id}
                    </Badge>
                  );
                })}
                <Button size="compact-xs" variant="light" onClick={() => onAddRecipients(d.recipients)} data-testid="report-law-add-recipients">
                  {t('report.law.addRecipients')}
                </Button>
              </Group>
              {d.requiredContent.length > 0 && (
                <>
                  <Text fz="xs" fw={600}>
                    {t('report.law.content')}
                  </Text>
                  <Text fz="xs" data-testid="report-law-content">
                    {d.requiredContent.map((f) => t(`report.fields.${f}`)).join(' · ')}
                  </Text>
                </>
              )}
              <Text fz="xs" fw={600}>
                {t('report.legalBasis')}
              </Text>
              <Text fz="xs" style={{ whiteSpace: 'pre-wrap' }} data-testid="report-law-basis">
                {pick(d.legalBasis)}
              </Text>
            </Stack>
          );
        })}
        <Text fz="xs" c="dimmed">
          {t('report.law.extraNote')}
        </Text>
      </Stack>
    </Paper>
  );
}

export function ReportsPanel({ deadlines, deadlinesError }: { deadlines: ReportDeadlines | null; deadlinesError: unknown }) {
  const { t } = useTranslation();
  const { act, state, parties, exercise, briefing, triageError, ended } = useConsole();
  const [kind, setKind] = useState<ReportKind>('initial');
  const [recipients, setRecipients] = useState<string[]>([]);
  const [incidentId, setIncidentId] = useState<string | null>(null);
  const [whatHappened, setWhatHappened] = useState('');
  const [detectedAt, setDetectedAt] = useState('');
  const [affected, setAffected] = useState<string[]>([]);
  const [level, setLevel] = useState<number | string>(briefing?.target.securityLevel ?? '');
  const [impact, setImpact] = useState('');
  const [actionsTaken, setActionsTaken] = useState('');
  const [support, setSupport] = useState('');
  const [iocs, setIocs] = useState('');
  const layerShort = (n: number) => t('layer.short', { n });
  const incidents = Object.values(state?.incidents ?? {}).filter((i) => !i.mergedInto);
  const disabled = Boolean(triageError) || ended;
  // The instructors' hand grades of the team's reports (a revision request says what to fix).
  const gradesQuery = useQuery(queries.reportGrades(exercise.id));
  const grades = new Map([...latestGrades(gradesQuery.data?.grades).values()].map((g) => [g.reportId, g]));
  const required = new Set((deadlines?.deadlines ?? []).filter((d) => d.kind === kind).flatMap((d) => d.requiredContent));
  const needs = (field: ReportContentField) => required.has(field);

  async function submit() {
    if (disabled) return;
    const iocList = iocs
      .split('\n')
      .map((line) => line.split(':'))
      .filter((parts) => parts.length >= 2 && (OBSERVABLE_TYPES as readonly string[]).includes(parts[0]!.trim()))
      .map(([type, ...rest]) => ({ type: type!.trim() as (typeof OBSERVABLE_TYPES)[number], value: rest.join(':').trim() }));
    const ok = await act({
      type: 'report.file',
      kind,
      recipients,
      ...(incidentId ? { incidentId } : {}),
      content: {
        whatHappened: whatHappened.trim(),
        ...(detectedAt.trim() ? { detectedAt: detectedAt.trim() } : {}),
        affectedSystems: affected,
        ...(typeof level === 'number' ? { securityLevel: level } : {}),
        ...(impact.trim() ? { impact: impact.trim() } : {}),
        ...(actionsTaken.trim() ? { actionsTaken: actionsTaken.trim() } : {}),
        iocs: iocList,
        ...(support.trim() ? { supportRequest: support.trim() } : {}),
      },
    });
    if (ok) setWhatHappened('');
  }

  return (
    <Grid>
      <Grid.Col span={{ base: 12, md: 7 }}>
        <Paper
          withBorder
          p="sm"
          component="form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
          aria-labelledby="report-form-title"
        >
          <Title order={2} fz="md" id="report-form-title" mb="xs">
            {t('report.file')}
          </Title>
          <Stack gap="xs">
            <Group grow>
              <Select
                label={t('report.kind')}
                data={REPORT_KINDS.map((k) => ({ value: k, label: t(`report.kinds.${k}`) }))}
                value={kind}
                onChange={(v) => v && setKind(v as ReportKind)}
                allowDeselect={false}
                data-testid="report-kind"
              />
              <Select
                label={t('triage.incident')}
                data={incidents.map((i) => ({ value: i.id, label: `${i.id} · ${i.title}` }))}
                value={incidentId}
                onChange={setIncidentId}
                clearable
                data-testid="report-incident"
              />
            </Group>
            <ReportLaw kind={kind} deadlines={deadlines} onAddRecipients={(ids) => setRecipients((current) => [...new Set([...current, ...ids])])} />
            <MultiSelect
              searchable
              label={t('report.recipients')}
              data={parties.map((p) => ({ value: p.id, label: partyLabel(p, exercise.era, layerShort) }))}
              value={recipients}
              onChange={setRecipients}
              required
              data-testid="report-recipients"
            />
            <Textarea
              label={t('report.whatHappened')}
              value={whatHappened}
              onChange={(e) => setWhatHappened(e.currentTarget.value)}
              required
              autosize
              minRows={2}
              maxRows={5}
              data-testid="report-what"
            />
            <Group grow>
              <TextInput
                label={t('report.detectedAt')}
                withAsterisk={needs('detected-at')}
                value={detectedAt}
                onChange={(e) => setDetectedAt(e.currentTarget.value)}
              />
              <NumberInput label={t('report.securityLevel')} withAsterisk={needs('security-level')} min={1} max={5} value={level} onChange={setLevel} />
            </Group>
            <MultiSelect
              label={t('report.affectedSystems')}
              withAsterisk={needs('affected-systems')}
              data={(briefing?.assets ?? []).map((a) => a.id)}
              value={affected}
              onChange={setAffected}
              searchable
            />
            <Group grow>
              <Textarea
                label={t('report.impact')}
                withAsterisk={needs('impact')}
                value={impact}
                onChange={(e) => setImpact(e.currentTarget.value)}
                autosize
                minRows={1}
                maxRows={4}
              />
              <Textarea
                label={t('report.actionsTaken')}
                withAsterisk={needs('actions-taken')}
                value={actionsTaken}
                onChange={(e) => setActionsTaken(e.currentTarget.value)}
                autosize
                minRows={1}
                maxRows={4}
              />
            </Group>
            <Group grow>
              <Textarea
                label={t('report.iocs')}
                withAsterisk={needs('iocs')}
                value={iocs}
                onChange={(e) => setIocs(e.currentTarget.value)}
                autosize
                minRows={1}
                maxRows={4}
                placeholder="ip: 203.0.113.7"
              />
              <Textarea
                label={t('report.supportRequest')}
                withAsterisk={needs('support-request')}
                value={support}
                onChange={(e) => setSupport(e.currentTarget.value)}
                autosize
                minRows={1}
                maxRows={4}
              />
            </Group>
            <Button type="submit" disabled={disabled || recipients.length === 0 || !whatHappened.trim()} data-testid="report-submit">
              {t('report.file')}
            </Button>
          </Stack>
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 5 }}>
        <Paper withBorder p="sm" mb="sm">
          <Title order={2} fz="md" mb="xs">
            {t('report.deadlines')}
          </Title>
          <DeadlinesList deadlines={deadlines} error={deadlinesError} />
        </Paper>
        <Paper withBorder p="sm">
          <Title order={2} fz="md" mb="xs">
            {t('report.filed')}
          </Title>
          {(state?.reports.length ?? 0) === 0 && (
            <Text c="dimmed" fz="sm">
              {t('report.empty')}
            </Text>
          )}
          {state && state.reports.length > 0 && (
            <Table fz="xs" data-testid="filed-reports">
              <Table.Tbody>
                {state.reports.map((r) => (
                  <Table.Tr key={r.id} data-kind={r.kind}>
                    <Table.Td ff="monospace">{formatClock(r.virtualMs)}</Table.Td>
                    <Table.Td fw={600}>{t(`report.kinds.${r.kind}`)}</Table.Td>
                    <Table.Td>
                      {r.recipients
                        .map((id) => parties.find((p) => p.id === id))
                        .filter((p) => p !== undefined)
                        .map((p) => partyLabel(p, exercise.era, layerShort))
                        .join('; ')}
                    </Table.Td>
                    <Table.Td w={160}>
                      <ReportGradeBadge grade={grades.get(`${r.id}`)} showPoints={false} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
      </Grid.Col>
    </Grid>
  );
}
