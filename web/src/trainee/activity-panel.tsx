import { Badge, Grid, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { RecordedAction } from '@contracts/triage.schema.js';
import { useConsole } from './console-context.js';
import { partyName } from './console-model.js';
import { useVirtualTime } from '../lib/virtual-time.js';

/** One line per recorded action, in the user's language, with alerts and parties by their display names. */
export function describeAction(
  t: TFunction,
  action: Record<string, unknown>,
  alertLabel: (id: string) => string = (id) => id,
  partyLabel: (id: string) => string = (id) => id,
): string {
  const rawType = typeof action.type === 'string' ? action.type : '';
  const typeKey = rawType === 'route' && action.escalate === true ? 'route-escalate' : rawType.replace(/\./g, '-');
  const label = t(`actionType.${typeKey}`, { defaultValue: rawType });
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const parties = (v: unknown) => (Array.isArray(v) ? `→ ${v.map((id) => partyLabel(String(id))).join(', ')}` : '');
  const target = action.target && typeof action.target === 'object' ? (action.target as { alertId?: string; incidentId?: string }) : null;
  const parts: string[] = [label];
  if (rawType === 'route') {
    parts.push(target?.alertId ? alertLabel(target.alertId) : str(target?.incidentId), parties(action.to));
  } else if (rawType === 'response') {
    parts.push(`${t(`response.actions.${str(action.action)}`)} → ${str(action.target)}`, str(action.incidentId));
  } else if (rawType === 'report.file') {
    parts.push(t(`report.kinds.${str(action.kind)}`), parties(action.recipients));
  } else if (rawType === 'hint.request') {
    const target2 = action.for as { alertId?: string; phase?: string } | undefined;
    parts.push(target2?.alertId ? alertLabel(target2.alertId) : str(target2?.phase));
  } else if (rawType.startsWith('incident.')) {
    parts.push(str(action.incidentId) || str(action.title));
    if (typeof action.phase === 'string') parts.push(t(`incident.phases.${action.phase}`));
    if (typeof action.legalClass === 'string') parts.push(t(`incident.${action.legalClass}`));
    if (Array.isArray(action.alertIds) && action.alertIds.length) parts.push(action.alertIds.map((id) => alertLabel(String(id))).join('; '));
  } else {
    if (typeof action.alertId === 'string') parts.push(alertLabel(action.alertId));
    if (typeof action.verdict === 'string') parts.push(t(`verdict.${action.verdict}`));
    if (typeof action.severity === 'string') parts.push(t(`severity.${action.severity}`));
    if (typeof action.text === 'string') parts.push(action.text);
  }
  return parts.filter(Boolean).join(' · ');
}

export function ActivityPanel({ actions, alertLabel }: { actions: RecordedAction[]; alertLabel: (id: string) => string }) {
  const { t } = useTranslation();
  const time = useVirtualTime();
  const { state, members, exercise, teamId, parties } = useConsole();
  const partyLabel = (id: string) => {
    const party = parties.find((p) => p.id === id);
    return party ? partyName(party, exercise.era) : id;
  };
  const team = exercise.teams.find((tm) => tm.id === teamId);
  const owned = new Map<string, number>();
  for (const a of Object.values(state?.alerts ?? {})) if (a.ownerId) owned.set(a.ownerId, (owned.get(a.ownerId) ?? 0) + 1);
  const mine = actions
    .filter((a) => a.teamId === teamId)
    .slice()
    .reverse();
  return (
    <Grid>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Paper withBorder p="sm">
          <Title order={2} fz="md" mb="xs">
            {t('activity.members')}
          </Title>
          <Stack gap={4}>
            {(team?.members ?? []).map((m) => (
              <Text key={m.id} fz="sm">
                {m.displayName}{' '}
                <Badge size="xs" variant="light" data-testid="member-owns">
                  {t('activity.owns', { count: owned.get(m.id) ?? 0 })}
                </Badge>
              </Text>
            ))}
          </Stack>
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Paper withBorder p="sm">
          <Title order={2} fz="md" mb="xs">
            {t('activity.title')}
          </Title>
          {mine.length === 0 && (
            <Text c="dimmed" fz="sm">
              {t('activity.empty')}
            </Text>
          )}
          <Table fz="xs" data-testid="activity">
            <Table.Tbody>
              {mine.slice(0, 200).map((a) => (
                <Table.Tr key={`${a.teamId}:${a.seq}`}>
                  <Table.Td ff="monospace" w={70}>
                    {time(a.virtualMs)}
                  </Table.Td>
                  <Table.Td w={160}>{members.get(a.userId) ?? a.username}</Table.Td>
                  <Table.Td>{describeAction(t, a.action, alertLabel, partyLabel)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      </Grid.Col>
    </Grid>
  );
}
