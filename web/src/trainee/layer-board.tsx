import { Badge, Card, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useConsole } from './console-context.js';
import { partyName } from './console-model.js';
import { useVirtualTime } from '../lib/virtual-time.js';

interface BoardItem {
  key: string;
  kind: 'alert' | 'incident' | 'report';
  subject: string;
  party: string;
  escalate: boolean;
  virtualMs: number;
}

/** The four-layer board: what the team routed and reported to which layer (parties without a layer in their own lane). */
export function LayerBoard({ titleOf }: { titleOf: (alertId: string) => string }) {
  const { t } = useTranslation();
  const time = useVirtualTime();
  const { state, parties, exercise } = useConsole();
  const lanes = new Map<string, BoardItem[]>([
    ['1', []],
    ['2', []],
    ['3', []],
    ['4', []],
    ['other', []],
  ]);
  const add = (
    kind: BoardItem['kind'],
    subject: string,
    routes: readonly { actionId: string; to: readonly string[]; escalate: boolean; virtualMs: number }[],
  ) => {
    for (const route of routes) {
      for (const to of route.to) {
        const party = parties.find((p) => p.id === to);
        const lane = party?.layer ? String(party.layer) : 'other';
        lanes.get(lane)!.push({
          key: `${route.actionId}:${to}`,
          kind,
          subject,
          party: party ? partyName(party, exercise.era) : to,
          escalate: route.escalate,
          virtualMs: route.virtualMs,
        });
      }
    }
  };
  for (const a of Object.values(state?.alerts ?? {})) add('alert', titleOf(a.alertId), a.routes);
  for (const i of Object.values(state?.incidents ?? {})) add('incident', `${i.id} — ${i.title}`, i.routes);
  // A filed report shows in each recipient's lane, as the law's reporting line runs through the layers.
  for (const r of state?.reports ?? []) {
    const subject = `${t(`report.kinds.${r.kind}`)}${r.incidentId ? ` — ${r.incidentId}` : ''}`;
    add('report', subject, [{ actionId: r.actionId, to: r.recipients, escalate: false, virtualMs: r.virtualMs }]);
  }
  const labels: Record<string, string> = { '1': t('layer.l1'), '2': t('layer.l2'), '3': t('layer.l3'), '4': t('layer.l4'), other: t('layer.other') };
  return (
    <SimpleGrid cols={5} spacing="xs" data-testid="layer-board">
      {[...lanes].map(([lane, items]) => (
        <Paper key={lane} withBorder p="xs" data-testid={`lane-${lane}`} aria-label={labels[lane]} role="region">
          <Text fw={700} fz="sm" mb="xs" component="h2" m={0}>
            {labels[lane]}
          </Text>
          <Stack gap={6} mt="xs">
            {items.length === 0 && (
              <Text fz="xs" c="dimmed">
                {t('board.empty')}
              </Text>
            )}
            {items
              .sort((a, b) => a.virtualMs - b.virtualMs)
              .map((item) => (
                <Card key={item.key} withBorder p={6} data-testid="board-item" data-kind={item.kind}>
                  <Text fz="xs" c="dimmed">
                    {time(item.virtualMs)} · {t(`board.${item.kind}`)}
                  </Text>
                  <Text fz="xs" lineClamp={2}>
                    {item.subject}
                  </Text>
                  <Text fz="xs" c="blue.4">
                    → {item.party}
                  </Text>
                  {item.escalate && (
                    <Badge size="xs" color="orange">
                      {t('board.escalated')}
                    </Badge>
                  )}
                </Card>
              ))}
          </Stack>
        </Paper>
      ))}
    </SimpleGrid>
  );
}
