import { Anchor, Group, Paper, Select, Stack, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ExerciseList } from '@contracts/results.schema.js';
import { useQuery } from '@tanstack/react-query';
import { queries } from '../api/queries.js';
import { AppLayout } from '../components/app-layout.js';
import { ErrorText } from '../components/error-text.js';
import { currentLang, intlLocale } from '../i18n/i18n.js';
import { formatDateTime, pick } from '../lib/format.js';
import { COMPONENTS, DownloadButton, fmtIndex, fmtNumber, Muted, Row, SERIES_COLORS, StatusBadge, ReviewNumber } from './results-widgets.js';
import { REVIEWER_NS } from './reviewer-i18n.js';
import { WeaknessesView } from './weaknesses-view.js';
import { PracticeRunsTable } from '../practice/practice-results.js';

const periodQuery = (from: string, to: string) => [from ? `from=${from}` : '', to ? `to=${to}` : ''].filter(Boolean).join('&');

/** The reviewer dashboard: exercises over time, unit trends and weaknesses, with exports. */
export function ResultsPage() {
  const { t } = useTranslation(REVIEWER_NS);
  const [params, setParams] = useSearchParams();
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const tab = params.get('tab') ?? 'exercises';
  const query = periodQuery(from, to);
  const list = useQuery(queries.resultExercises(query));
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const exercises = list.data?.exercises ?? [];

  return (
    <AppLayout>
      <Stack gap="md" maw={1400} mx="auto" data-testid="results-page">
        <div>
          <Title order={1} fz="h2">
            {t('title')}
          </Title>
          <Muted>{t('subtitle')}</Muted>
        </div>
        <Group align="end" justify="space-between">
          <Group align="end">
            <TextInput type="date" label={t('period.from')} value={from} onChange={(e) => set('from', e.currentTarget.value)} data-testid="period-from" />
            <TextInput type="date" label={t('period.to')} value={to} onChange={(e) => set('to', e.currentTarget.value)} data-testid="period-to" />
          </Group>
          <Row>
            <DownloadButton
              path={`/results/export.csv?lang=${currentLang()}${query ? `&${query}` : ''}`}
              filename="soc-drill-results.csv"
              label={t('download.csv')}
              testId="download-csv"
            />
            <DownloadButton
              path={`/results/export.csv?lang=${currentLang()}&variant=excel-vi${query ? `&${query}` : ''}`}
              filename="soc-drill-ket-qua-excel.csv"
              label={t('download.csvExcelVi')}
              testId="download-csv-excel-vi"
            />
            <DownloadButton
              path={`/results/report.pdf?lang=vi${query ? `&${query}` : ''}`}
              filename="soc-drill-bao-cao-ky.pdf"
              label={t('download.periodVi')}
              testId="download-period-vi"
            />
            <DownloadButton
              path={`/results/report.pdf?lang=en${query ? `&${query}` : ''}`}
              filename="soc-drill-period-report.pdf"
              label={t('download.periodEn')}
              testId="download-period-en"
            />
          </Row>
        </Group>
        <ErrorText error={list.error} />
        <Tabs value={tab} onChange={(v) => set('tab', v && v !== 'exercises' ? v : '')} keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="exercises">{t('tabs.exercises')}</Tabs.Tab>
            <Tabs.Tab value="trends">{t('tabs.trends')}</Tabs.Tab>
            <Tabs.Tab value="weaknesses">{t('tabs.weaknesses')}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="exercises" pt="md">
            <ExercisesOverTime list={list.data ?? null} />
            <PracticeRunsTable list={list.data ?? null} />
          </Tabs.Panel>
          <Tabs.Panel value="trends" pt="md">
            <UnitTrends query={query} />
          </Tabs.Panel>
          <Tabs.Panel value="weaknesses" pt="md">
            <WeaknessesView exercises={exercises} />
          </Tabs.Panel>
        </Tabs>
      </Stack>
    </AppLayout>
  );
}

function ExercisesOverTime({ list }: { list: ExerciseList | null }) {
  const { t } = useTranslation(REVIEWER_NS);
  const locale = intlLocale();
  if (!list) return null;
  if (list.exercises.length === 0) return <Muted>{t('noExercises')}</Muted>;
  const chart = list.exercises
    .filter((e) => e.scores !== null)
    .map((e) => ({ name: formatDateTime(e.heldAt), title: e.title, best: e.scores!.bestIndex, mean: e.scores!.meanIndex }));
  return (
    <Stack gap="md">
      {chart.length > 0 && (
        <Paper withBorder p="sm">
          <Title order={3} fz="md" mb="xs">
            {t('overTime')}
          </Title>
          <div style={{ width: '100%', height: 260 }}>
            <ResponsiveContainer>
              <LineChart data={chart} margin={{ left: 0, right: 20, top: 10 }}>
                <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
                <XAxis dataKey="name" />
                <YAxis domain={[0, 1]} tickFormatter={(v: number) => fmtNumber(v, locale)} />
                <Tooltip
                  formatter={(v) => fmtIndex(Number(v), locale)}
                  labelFormatter={(_l, payload) => (payload?.[0]?.payload as { title?: string } | undefined)?.title ?? ''}
                />
                <Legend />
                <Line dataKey="best" name={t('bestIndex')} stroke={SERIES_COLORS[0]} isAnimationActive={false} />
                <Line dataKey="mean" name={t('meanIndex')} stroke={SERIES_COLORS[1]} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </Paper>
      )}
      <Paper withBorder p="sm">
        <Table fz="sm" striped highlightOnHover data-testid="results-exercises">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('heldAt')}</Table.Th>
              <Table.Th>{t('exercise')}</Table.Th>
              <Table.Th>{t('scenario')}</Table.Th>
              <Table.Th>{t('status')}</Table.Th>
              <Table.Th>{t('units')}</Table.Th>
              <Table.Th ta="right">{t('teams')}</Table.Th>
              <Table.Th ta="right">{t('bestIndex')}</Table.Th>
              <Table.Th ta="right">{t('meanIndex')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...list.exercises].reverse().map((e) => (
              <Table.Tr key={e.id} data-testid="results-exercise-row">
                <Table.Td>{formatDateTime(e.heldAt)}</Table.Td>
                <Table.Td>
                  {e.scores ? (
                    <Anchor component={Link} to={`/results/exercises/${e.id}`}>
                      {e.title}
                    </Anchor>
                  ) : (
                    e.title
                  )}
                </Table.Td>
                <Table.Td>{pick(e.scenarioTitle)}</Table.Td>
                <Table.Td>
                  <StatusBadge status={e.status} />
                </Table.Td>
                <Table.Td>
                  <Text fz="xs">{e.units.map((u) => u.name).join(', ')}</Text>
                </Table.Td>
                <Table.Td ta="right">{e.teamCount}</Table.Td>
                <Table.Td ta="right">{e.scores ? fmtIndex(e.scores.bestIndex, locale) : <Muted>{t('noScores')}</Muted>}</Table.Td>
                <Table.Td ta="right">{e.scores ? fmtIndex(e.scores.meanIndex, locale) : ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}

type TrendMetric = 'index' | (typeof COMPONENTS)[number];

function UnitTrends({ query }: { query: string }) {
  const { t } = useTranslation(REVIEWER_NS);
  const locale = intlLocale();
  const [metric, setMetric] = useState<TrendMetric>('index');
  const { data, error } = useQuery(queries.trends(query));
  const units = (data?.units ?? []).filter((u) => u.points.length > 0);
  const rows = useMemo(() => {
    const byExercise = new Map<string, Record<string, string | number | null>>();
    for (const u of units) {
      for (const p of u.points) {
        const row = byExercise.get(p.exerciseId) ?? { exerciseId: p.exerciseId, heldAt: p.heldAt, name: formatDateTime(p.heldAt), title: p.exerciseTitle };
        row[u.unit.id] = metric === 'index' ? p.index : p.components[metric];
        byExercise.set(p.exerciseId, row);
      }
    }
    return [...byExercise.values()].sort((a, b) => String(a.heldAt).localeCompare(String(b.heldAt)));
  }, [units, metric]);
  return (
    <Stack gap="md" data-testid="trends">
      <ErrorText error={error} />
      <Select
        label={t('trends.metric')}
        value={metric}
        onChange={(v) => setMetric((v as TrendMetric | null) ?? 'index')}
        data={[{ value: 'index', label: t('trends.index') }, ...COMPONENTS.map((c) => ({ value: c, label: t(`components.${c}`) }))]}
        maw={320}
        allowDeselect={false}
      />
      {units.length === 0 ? (
        <Muted>{t('trends.none')}</Muted>
      ) : (
        <>
          <Paper withBorder p="sm">
            <div style={{ width: '100%', height: 320 }}>
              <ResponsiveContainer>
                <LineChart data={rows} margin={{ left: 0, right: 20, top: 10 }}>
                  <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
                  <XAxis dataKey="name" />
                  <YAxis domain={[0, 1]} tickFormatter={(v: number) => fmtNumber(v, locale)} />
                  <Tooltip
                    formatter={(v) => fmtIndex(Number(v), locale)}
                    labelFormatter={(_l, payload) => (payload?.[0]?.payload as { title?: string } | undefined)?.title ?? ''}
                  />
                  <Legend />
                  {units.map((u, i) => (
                    <Line
                      key={u.unit.id}
                      dataKey={u.unit.id}
                      name={u.unit.name}
                      stroke={SERIES_COLORS[i % SERIES_COLORS.length]}
                      connectNulls
                      isAnimationActive={false}
                    />
                  ))}
                </LineChart>
              </ResponsiveContainer>
            </div>
            <Muted>{t('unitRule')}</Muted>
          </Paper>
          <Paper withBorder p="sm">
            <Table fz="sm" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('unit')}</Table.Th>
                  <Table.Th>{t('exercise')}</Table.Th>
                  <Table.Th>{t('team')}</Table.Th>
                  <Table.Th ta="right">{t('index')}</Table.Th>
                  {COMPONENTS.map((c) => (
                    <Table.Th key={c} ta="right">
                      {t(`components.${c}`)}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {units.flatMap((u) =>
                  u.points.map((p) => (
                    <Table.Tr key={`${u.unit.id}:${p.exerciseId}`}>
                      <Table.Td>{u.unit.name}</Table.Td>
                      <Table.Td>{p.exerciseTitle}</Table.Td>
                      <Table.Td>{p.teams.map((team) => team.teamName).join(', ')}</Table.Td>
                      <Table.Td ta="right">
                        <ReviewNumber href={p.teams[0]!.reviewHref}>{fmtIndex(p.index, locale)}</ReviewNumber>
                      </Table.Td>
                      {COMPONENTS.map((c) => (
                        <Table.Td key={c} ta="right">
                          <ReviewNumber href={p.teams[0]!.reviewHref}>{fmtIndex(p.components[c], locale)}</ReviewNumber>
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  )),
                )}
              </Table.Tbody>
            </Table>
          </Paper>
        </>
      )}
    </Stack>
  );
}
