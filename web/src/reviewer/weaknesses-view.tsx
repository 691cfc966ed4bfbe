import { Badge, Drawer, Group, MultiSelect, Paper, ScrollArea, SegmentedControl, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CellTeam, ExerciseSummary, Weaknesses, WeaknessRow } from '@contracts/results.schema.js';
import { useQuery } from '@tanstack/react-query';
import { queries } from '../api/queries.js';
import { ErrorText } from '../components/error-text.js';
import { intlLocale } from '../i18n/i18n.js';
import { pick } from '../lib/format.js';
import { fmtPct, Muted, ratioColor, ReviewNumber } from './results-widgets.js';
import { REVIEWER_NS } from './reviewer-i18n.js';

interface Drill {
  readonly title: string;
  readonly teams: readonly CellTeam[];
}

/** Per layer, per kill-chain phase and the ATT&CK heat map; every cell opens its teams and alerts. */
export function WeaknessesView({
  exercises,
  fixedExerciseIds,
  defaultBy = 'unit',
}: {
  exercises: readonly ExerciseSummary[];
  fixedExerciseIds?: readonly string[];
  defaultBy?: 'unit' | 'team';
}) {
  const { t } = useTranslation(REVIEWER_NS);
  const locale = intlLocale();
  const [selected, setSelected] = useState<string[]>([]);
  const [by, setBy] = useState<'unit' | 'team'>(defaultBy);
  const [drill, setDrill] = useState<Drill | null>(null);
  const ids = fixedExerciseIds ?? selected;
  const { data, error } = useQuery(queries.weaknesses(by, ids));
  const titles = useMemo(() => new Map(exercises.map((e) => [e.scenarioId, e.scenarioTitle])), [exercises]);
  const scored = exercises.filter((e) => e.scores !== null);

  return (
    <Stack gap="md" data-testid="weaknesses">
      <Group align="end" gap="md">
        {!fixedExerciseIds && (
          <MultiSelect
            label={t('weak.select')}
            data={scored.map((e) => ({ value: e.id, label: e.title }))}
            value={selected}
            onChange={setSelected}
            clearable
            searchable
            style={{ minWidth: 360 }}
            data-testid="weak-exercises"
          />
        )}
        <SegmentedControl
          aria-label={t('weak.heatmapBy')}
          value={by}
          onChange={(v) => setBy(v === 'team' ? 'team' : 'unit')}
          data={[
            { value: 'unit', label: t('weak.byUnit') },
            { value: 'team', label: t('weak.byTeam') },
          ]}
        />
      </Group>
      <ErrorText error={error} />
      {data && (
        <>
          <Group gap="xs">
            {(['layer', 'phase', 'technique'] as const).map((k) => {
              const key = data.weakest[k];
              const rows = k === 'layer' ? data.layers : k === 'phase' ? data.phases : data.techniques;
              const row = rows.find((r) => r.key === key);
              return (
                <Badge key={k} size="lg" variant="light" color="red" data-testid={`weakest-${k}`}>
                  {t('weak.weakest')}: {row ? `${pick(row.label)} (${fmtPct(row.ratio, locale)})` : t('weak.none')}
                </Badge>
              );
            })}
          </Group>
          <Paper withBorder p="sm">
            <Title order={3} fz="md" mb="xs">
              {t('weak.layers')}
            </Title>
            <div style={{ width: '100%', height: 40 + data.layers.length * 36 }}>
              <ResponsiveContainer>
                <BarChart data={data.layers.map((r) => ({ name: pick(r.label), ratio: r.ratio ?? 0 }))} layout="vertical" margin={{ left: 10, right: 30 }}>
                  <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
                  <XAxis type="number" domain={[0, 1]} tickFormatter={(v: number) => fmtPct(v, locale)} />
                  <YAxis type="category" dataKey="name" width={260} />
                  <Tooltip formatter={(v) => fmtPct(Number(v), locale)} />
                  <Bar dataKey="ratio" name={t('weak.ratio')} isAnimationActive={false}>
                    {data.layers.map((r) => (
                      <Cell key={r.key} fill={ratioColor(r.ratio)} />
                    ))}
                  </Bar>
                </BarChart>
              </ResponsiveContainer>
            </div>
            <SliceTable rows={data.layers} onDrill={setDrill} />
          </Paper>
          <Paper withBorder p="sm">
            <Title order={3} fz="md" mb="xs">
              {t('weak.phases')}
            </Title>
            <SliceTable rows={data.phases} onDrill={setDrill} groupTitle={(id) => pick(titles.get(id) ?? { vi: id, en: id })} />
          </Paper>
          <Paper withBorder p="sm">
            <Title order={3} fz="md" mb="xs">
              {t('weak.heatmap')}
            </Title>
            <Muted>{t('weak.heatNote')}</Muted>
            <Heatmap data={data} onDrill={setDrill} />
          </Paper>
        </>
      )}
      <Drawer opened={drill !== null} onClose={() => setDrill(null)} position="right" size="lg" title={drill?.title ?? ''}>
        {drill && <DrillContent teams={drill.teams} />}
      </Drawer>
    </Stack>
  );
}

function SliceTable({ rows, onDrill, groupTitle }: { rows: readonly WeaknessRow[]; onDrill: (d: Drill) => void; groupTitle?: (scenarioId: string) => string }) {
  const { t } = useTranslation(REVIEWER_NS);
  const locale = intlLocale();
  let group: string | null = null;
  return (
    <ScrollArea>
      <Table fz="sm" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('weak.slice')}</Table.Th>
            <Table.Th ta="right">{t('weak.truePositives')}</Table.Th>
            <Table.Th ta="right">{t('weak.detected')}</Table.Th>
            <Table.Th ta="right">{t('weak.missed')}</Table.Th>
            <Table.Th ta="right">{t('weak.falseAlarms')}</Table.Th>
            <Table.Th ta="right">{t('weak.ratio')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.flatMap((r) => {
            const out = [];
            if (groupTitle && r.scenarioId !== null && r.scenarioId !== group) {
              group = r.scenarioId;
              out.push(
                <Table.Tr key={`g-${r.scenarioId}`}>
                  <Table.Td colSpan={7} fw={700}>
                    {groupTitle(r.scenarioId)}
                  </Table.Td>
                </Table.Tr>,
              );
            }
            out.push(
              <Table.Tr key={r.key} data-testid="slice-row">
                <Table.Td>{pick(r.label)}</Table.Td>
                <Table.Td ta="right">{r.truePositives}</Table.Td>
                <Table.Td ta="right">{r.detected}</Table.Td>
                <Table.Td ta="right">{r.missed}</Table.Td>
                <Table.Td ta="right">{r.falsePositivesRaised}</Table.Td>
                <Table.Td ta="right" style={{ background: ratioColor(r.ratio), color: r.ratio === null ? undefined : '#111' }}>
                  {fmtPct(r.ratio, locale)}
                </Table.Td>
                <Table.Td>
                  <UnstyledButton c="blue" fz="sm" onClick={() => onDrill({ title: pick(r.label), teams: r.teams })}>
                    {t('weak.drill')}
                  </UnstyledButton>
                </Table.Td>
              </Table.Tr>,
            );
            return out;
          })}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}

function Heatmap({ data, onDrill }: { data: Weaknesses; onDrill: (d: Drill) => void }) {
  const { t } = useTranslation(REVIEWER_NS);
  const cells = new Map(data.heatmap.cells.map((c) => [`${c.technique}\u0000${c.column}`, c]));
  if (data.heatmap.techniques.length === 0) return <Muted>{t('weak.none')}</Muted>;
  return (
    <ScrollArea>
      <Table fz="xs" withColumnBorders data-testid="heatmap">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>ATT&amp;CK</Table.Th>
            {data.heatmap.columns.map((c) => (
              <Table.Th key={c.key} ta="center" maw={160}>
                {c.label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data.heatmap.techniques.map((tech) => (
            <Table.Tr key={tech}>
              <Table.Td ff="monospace">{tech}</Table.Td>
              {data.heatmap.columns.map((col) => {
                const cell = cells.get(`${tech}\u0000${col.key}`);
                if (!cell) return <Table.Td key={col.key} />;
                return (
                  <Table.Td key={col.key} ta="center" p={0} style={{ background: ratioColor(cell.detectionRatio) }}>
                    <UnstyledButton
                      w="100%"
                      p={4}
                      c={cell.detectionRatio === null ? undefined : '#111'}
                      fz="xs"
                      data-testid="heat-cell"
                      onClick={() => onDrill({ title: `${tech} · ${col.label}`, teams: cell.teams })}
                    >
                      {cell.truePositives > 0 ? `${cell.detected}/${cell.truePositives}` : '–'}
                    </UnstyledButton>
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}

function DrillContent({ teams }: { teams: readonly CellTeam[] }) {
  const { t } = useTranslation(REVIEWER_NS);
  return (
    <Stack gap="md" data-testid="drill">
      {teams.map((team) => (
        <Paper key={`${team.exerciseId}:${team.teamId}`} withBorder p="sm">
          <Group justify="space-between">
            <Text fw={700}>{team.teamName}</Text>
            <ReviewNumber href={team.reviewHref}>{t('review')}</ReviewNumber>
          </Group>
          <Text fz="sm">
            {t('weak.detected')}:{' '}
            <ReviewNumber href={team.reviewHref}>
              {team.detected}/{team.truePositives}
            </ReviewNumber>{' '}
            · {t('weak.missed')}: <ReviewNumber href={team.reviewHref}>{team.missed}</ReviewNumber> · {t('weak.falseAlarms')}:{' '}
            <ReviewNumber href={team.reviewHref}>{team.falsePositivesRaised}</ReviewNumber>
          </Text>
          {team.alertRefs.length > 0 && (
            <Table fz="xs" mt="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('weak.alerts')}</Table.Th>
                  <Table.Th />
                  <Table.Th ta="right">{t('weak.points')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {team.alertRefs.map((a) => (
                  <Table.Tr key={a.alertId}>
                    <Table.Td>
                      <Text fz="xs" ff="monospace">
                        {a.alertId}
                      </Text>
                      <Text fz="xs">{pick(a.title)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge size="xs" color={a.outcome === 'detected' ? 'teal' : 'red'}>
                        {t(`weak.outcome.${a.outcome}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td ta="right">
                      <ReviewNumber href={team.reviewHref}>
                        {a.points}/{a.maxPoints}
                      </ReviewNumber>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
      ))}
    </Stack>
  );
}
