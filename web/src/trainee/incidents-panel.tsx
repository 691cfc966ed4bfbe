import { Badge, Button, Card, Grid, Group, MultiSelect, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { INCIDENT_PHASES } from '@contracts/scenario.schema.js';
import type { IncidentState } from '@contracts/triage.schema.js';
import type { Severity } from '@contracts/common.schema.js';
import { AlertQueueExportButtons, StixExportButton } from '../components/export-buttons.js';
import { useConsole } from './console-context.js';
import { partyLabel, SEVERITIES } from './console-model.js';
import { useVirtualTime } from '../lib/virtual-time.js';
import { CaseWork } from './case-work.js';
import type { AlertRow } from './console-model.js';

export function IncidentsPanel({
  selectedAlertId,
  titleOf,
  targetsOf,
  rows,
}: {
  /** The team's delivered alerts: where an indicator appears, what arrived after a containment action. */
  rows: readonly AlertRow[];
  selectedAlertId: string | null;
  titleOf: (alertId: string) => string;
  /** The asset and observables of an alert: a response on one of them belongs to the alert's incident. */
  targetsOf: (alertId: string) => string[];
}) {
  const { t } = useTranslation();
  const { state, act, triageError, ended, exercise } = useConsole();
  const [title, setTitle] = useState('');
  const incidents = Object.values(state?.incidents ?? {});
  const disabled = Boolean(triageError) || ended;
  return (
    <Stack gap="sm">
      <Group align="flex-end">
        <TextInput label={t('incident.titleField')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} w={420} />
        <Button
          disabled={disabled || !title.trim()}
          onClick={async () => {
            if (await act({ type: 'incident.create', title: title.trim(), alertIds: selectedAlertId ? [selectedAlertId] : [] })) setTitle('');
          }}
        >
          {t('incident.create')}
        </Button>
      </Group>
      <AlertQueueExportButtons exerciseId={exercise.id} {...(state ? { teamId: state.teamId } : {})} />
      {incidents.length === 0 && <Text c="dimmed">{t('incident.empty')}</Text>}
      <SimpleGrid cols={1}>
        {incidents.map((incident) => (
          <IncidentCard key={incident.id} incident={incident} selectedAlertId={selectedAlertId} titleOf={titleOf} targetsOf={targetsOf} rows={rows} />
        ))}
      </SimpleGrid>
    </Stack>
  );
}

function IncidentCard({
  incident,
  selectedAlertId,
  titleOf,
  targetsOf,
  rows,
}: {
  rows: readonly AlertRow[];
  incident: IncidentState;
  selectedAlertId: string | null;
  titleOf: (alertId: string) => string;
  targetsOf: (alertId: string) => string[];
}) {
  const { t } = useTranslation();
  const time = useVirtualTime();
  const { act, state, parties, exercise, briefing, triageError, ended } = useConsole();
  const [routeTo, setRouteTo] = useState<string[]>([]);
  const disabled = Boolean(triageError) || ended || incident.mergedInto !== null;
  const layerShort = (n: number) => t('layer.short', { n });
  // Responses filed under this incident, and those taken without one on its assets, observables or its alerts' targets.
  const related = new Set([...incident.assets, ...incident.observables.map((o) => o.value), ...incident.alertIds.flatMap(targetsOf)]);
  const responses = (state?.responses ?? []).filter((r) => r.incidentId === incident.id || (r.incidentId === null && related.has(r.target)));
  return (
    <Card withBorder data-testid="incident-card" data-incident-id={incident.id}>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Group justify="space-between" mb={4}>
            <Text fw={700}>
              {incident.id} · {incident.title}
            </Text>
            {incident.mergedInto ? (
              <Badge color="gray">{t('incident.merged', { id: incident.mergedInto })}</Badge>
            ) : (
              <StixExportButton
                path={`/exercises/${exercise.id}/export/stix`}
                query={{ incidentId: incident.id, ...(state ? { teamId: state.teamId } : {}) }}
                filename={`soc-drill-${exercise.id.slice(0, 8)}-${incident.id.toLowerCase()}.stix.json`}
                label={t('exports.stix')}
                hint={t('exports.stixHint')}
                testId="incident-export-stix"
              />
            )}
          </Group>
          <Text fz="xs" c="dimmed" mb="xs">
            {t('incident.createdAt')} {time(incident.createdAtMs)}
          </Text>
          <Group gap="xs" grow mb="xs">
            <Select
              size="xs"
              label={t('incident.phase')}
              data={INCIDENT_PHASES.map((p) => ({ value: p, label: t(`incident.phases.${p}`) }))}
              value={incident.phase}
              allowDeselect={false}
              disabled={disabled}
              onChange={(v) => v && v !== incident.phase && void act({ type: 'incident.update', incidentId: incident.id, phase: v as IncidentState['phase'] })}
              data-testid="incident-phase"
            />
            <Select
              size="xs"
              label={t('incident.legalClass')}
              data={[
                { value: 'ordinary', label: t('incident.ordinary') },
                { value: 'serious', label: t('incident.serious') },
              ]}
              value={incident.legalClass}
              disabled={disabled}
              onChange={(v) => v && void act({ type: 'incident.update', incidentId: incident.id, legalClass: v as 'ordinary' | 'serious' })}
              data-testid="incident-legal"
            />
            <Select
              size="xs"
              label={t('severity.label')}
              data={SEVERITIES.map((s) => ({ value: s, label: t(`severity.${s}`) }))}
              value={incident.severity}
              disabled={disabled}
              onChange={(v) => v && void act({ type: 'incident.update', incidentId: incident.id, severity: v as Severity })}
            />
          </Group>
          <MultiSelect
            searchable
            size="xs"
            label={t('incident.assets')}
            data={(briefing?.assets ?? []).map((a) => a.id)}
            value={incident.assets}
            disabled={disabled}
            onChange={(v) => void act({ type: 'incident.update', incidentId: incident.id, assets: v })}
            mb="xs"
          />
          <Text fz="xs" fw={700}>
            {t('incident.linkedAlerts')} ({incident.alertIds.length})
          </Text>
          <Stack gap={0} mb="xs">
            {incident.alertIds.map((id) => (
              <Text key={id} fz="xs">
                • {titleOf(id)}
              </Text>
            ))}
          </Stack>
          {selectedAlertId && !incident.alertIds.includes(selectedAlertId) && (
            <Button
              size="xs"
              variant="light"
              mb="xs"
              disabled={disabled}
              onClick={() => void act({ type: 'incident.link', incidentId: incident.id, alertIds: [selectedAlertId] })}
            >
              {t('incident.link')} ({titleOf(selectedAlertId).slice(0, 60)})
            </Button>
          )}
          <Text fz="xs" fw={700}>
            {t('response.taken')} ({responses.length})
          </Text>
          <Stack gap={0} data-testid="incident-responses">
            {responses.length === 0 && (
              <Text fz="xs" c="dimmed">
                {t('response.empty')}
              </Text>
            )}
            {responses.map((r) => (
              <Text key={r.actionId} fz="xs" data-testid="incident-response">
                • {time(r.virtualMs)} {t(`response.actions.${r.action}`)} → {r.target}
                {r.incidentId === null ? ` (${t('incident.responseUnfiled')})` : ''}
              </Text>
            ))}
          </Stack>
          <Group gap="xs" align="flex-end" wrap="nowrap" mt="xs">
            <MultiSelect
              searchable
              size="xs"
              style={{ flex: 1 }}
              label={t('triage.routeTo')}
              data={parties.map((p) => ({ value: p.id, label: partyLabel(p, exercise.era, layerShort) }))}
              value={routeTo}
              onChange={setRouteTo}
              disabled={disabled}
            />
            <Button
              size="xs"
              disabled={disabled || routeTo.length === 0}
              onClick={async () => {
                if (await act({ type: 'route', target: { incidentId: incident.id }, to: routeTo, escalate: true })) setRouteTo([]);
              }}
            >
              {t('triage.escalate')}
            </Button>
          </Group>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <CaseWork incident={incident} rows={rows} titleOf={titleOf} />
        </Grid.Col>
      </Grid>
    </Card>
  );
}
