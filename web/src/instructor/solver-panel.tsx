import { Button, Group, NumberInput, Paper, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.js';
import { ErrorText } from '../components/error-text.js';
import { formatNumber } from '../lib/format.js';

type SolverName = 'perfect' | 'naive' | 'idle';

interface SimulateResult {
  solver: SolverName;
  seed: string;
  score: number;
  maxScore: number;
  index: number;
  components: Record<'detection' | 'response' | 'coordination' | 'incident', number>;
  alertsDelivered: number;
  actions: number;
  triggersFired: string[];
}

/**
 * Runs the headless solver on this scenario version on the server (the same as `soc-drill simulate`):
 * a consistent answer key scores the maximum with `perfect`, almost nothing with `idle`, and at
 * most half of that with `naive`.
 */
export function SolverPanel({ scenarioId, versionId }: { scenarioId: string; versionId: string }) {
  const { t } = useTranslation();
  const [solver, setSolver] = useState<SolverName>('perfect');
  const [seed, setSeed] = useState<number | string>(1);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [results, setResults] = useState<SimulateResult[]>([]);

  const run = async () => {
    setRunning(true);
    setError(null);
    try {
      const result = await api.post<SimulateResult>(`/scenarios/${scenarioId}/versions/${versionId}/simulate`, {
        solver,
        ...(seed === '' ? {} : { seed: Number(seed) }),
      });
      setResults((previous) => [result, ...previous].slice(0, 6));
    } catch (caught) {
      setError(caught);
    } finally {
      setRunning(false);
    }
  };

  return (
    <Stack gap="sm" data-testid="solver-panel">
      <Text fz="sm" c="dimmed">
        {t('solver.help')}
      </Text>
      <Group align="end">
        <SegmentedControl
          aria-label={t('solver.solver')}
          value={solver}
          onChange={(value) => setSolver(value as SolverName)}
          data={(['perfect', 'naive', 'idle'] as const).map((name) => ({ value: name, label: t(`solver.names.${name}`) }))}
        />
        <NumberInput label={t('solver.seed')} value={seed} onChange={setSeed} min={0} w={120} />
        <Button onClick={() => void run()} loading={running} data-testid="solver-run">
          {t('solver.run')}
        </Button>
      </Group>
      <ErrorText error={error} />
      {results.length > 0 && (
        <Paper withBorder p="sm">
          <Table fz="sm" data-testid="solver-results">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('solver.solver')}</Table.Th>
                <Table.Th>{t('solver.seed')}</Table.Th>
                <Table.Th>{t('solver.score')}</Table.Th>
                <Table.Th>{t('solver.index')}</Table.Th>
                <Table.Th>{t('solver.components.detection')}</Table.Th>
                <Table.Th>{t('solver.components.response')}</Table.Th>
                <Table.Th>{t('solver.components.coordination')}</Table.Th>
                <Table.Th>{t('solver.components.incident')}</Table.Th>
                <Table.Th>{t('solver.alerts')}</Table.Th>
                <Table.Th>{t('solver.triggers')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {results.map((r, i) => (
                <Table.Tr key={i}>
                  <Table.Td>{t(`solver.names.${r.solver}`)}</Table.Td>
                  <Table.Td>{r.seed}</Table.Td>
                  <Table.Td fw={700}>
                    {formatNumber(r.score, 2)} / {r.maxScore}
                  </Table.Td>
                  <Table.Td>{formatNumber(r.index, 3)}</Table.Td>
                  <Table.Td>{formatNumber(r.components.detection, 1)}</Table.Td>
                  <Table.Td>{formatNumber(r.components.response, 1)}</Table.Td>
                  <Table.Td>{formatNumber(r.components.coordination, 1)}</Table.Td>
                  <Table.Td>{formatNumber(r.components.incident, 1)}</Table.Td>
                  <Table.Td>{r.alertsDelivered}</Table.Td>
                  <Table.Td ff="monospace" fz="xs">
                    {r.triggersFired.join(', ') || '—'}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  );
}
