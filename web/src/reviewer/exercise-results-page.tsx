import { Anchor, Badge, Group, Paper, ScrollArea, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useQuery } from '@tanstack/react-query';
import { queries } from '../api/queries.js';
import { AppLayout } from '../components/app-layout.js';
import { ErrorText } from '../components/error-text.js';
import { currentLang, intlLocale } from '../i18n/i18n.js';
import { formatDateTime, formatNumber, pick } from '../lib/format.js';
import {
  COMPONENT_COLORS,
  COMPONENTS,
  DownloadButton,
  fmtDuration,
  fmtIndex,
  fmtNumber,
  fmtPct,
  Muted,
  ReviewNumber,
  Row,
  StatusBadge,
} from './results-widgets.js';
import { REVIEWER_NS } from './reviewer-i18n.js';
import { WeaknessesView } from './weaknesses-view.js';
import { PRACTICE_NS } from '../practice/practice-i18n.js';

/** One exercise: ranking with index and components, metrics, weaknesses; every number opens the review. */
export function ExerciseResultsPage() {
  const { t } = useTranslation(REVIEWER_NS);
  const { t: tp } = useTranslation(PRACTICE_NS);
  const locale = intlLocale();
  const { exerciseId = '' } = useParams();
  const { data, error } = useQuery(queries.resultExercise(exerciseId));
  const e = data?.exercise;
  return (
    <AppLayout>
      <Stack gap="md" maw={1400} mx="auto" data-testid="exercise-results">
        <Anchor component={Link} to="/results" fz="sm">
          ← {t('back')}
        </Anchor>
        <ErrorText error={error} />
        {data && e && (
          <>
            <Group justify="space-between" align="start">
              <div>
                <Title order={1} fz="h2">
                  {e.title}
                </Title>
                <Group gap="xs">
                  <StatusBadge status={e.status} />
                  {e.kind === 'practice' && (
                    <Badge color="teal" data-testid="results-practice-badge">
                      {tp('results.title')}
                    </Badge>
                  )}
                  <Text fz="sm">{pick(e.scenarioTitle)}</Text>
                  <Text fz="sm" c="dimmed">
                    {formatDateTime(e.heldAt)}
                  </Text>
                </Group>
              </div>
              <Row>
                <DownloadButton
                  path={`/results/exercises/${e.id}/report.pdf?lang=vi`}
                  filename={`bao-cao-${e.id.slice(0, 8)}.pdf`}
                  label={t('download.pdfVi')}
                  testId="download-pdf-vi"
                />
                <DownloadButton
                  path={`/results/exercises/${e.id}/report.pdf?lang=en`}
                  filename={`report-${e.id.slice(0, 8)}.pdf`}
                  label={t('download.pdfEn')}
                  testId="download-pdf-en"
                />
                <DownloadButton
                  path={`/results/export.csv?exerciseIds=${e.id}&lang=${currentLang()}`}
                  filename={`ket-qua-${e.id.slice(0, 8)}.csv`}
                  label={t('download.csv')}
                  testId="download-exercise-csv"
                />
                <DownloadButton
                  path={`/results/export.csv?exerciseIds=${e.id}&lang=${currentLang()}&variant=excel-vi`}
                  filename={`ket-qua-${e.id.slice(0, 8)}-excel.csv`}
                  label={t('download.csvExcelVi')}
                  testId="download-exercise-csv-excel-vi"
                />
              </Row>
            </Group>
            <Paper withBorder p="sm">
              <Title order={2} fz="md" mb={4}>
                {t('ranking')}
              </Title>
              <Muted>
                {t('reviewHint')} · {t('unitRule')}
              </Muted>
              <ScrollArea>
                <Table fz="sm" striped data-testid="ranking">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('rank')}</Table.Th>
                      <Table.Th>{t('team')}</Table.Th>
                      <Table.Th>{t('unit')}</Table.Th>
                      <Table.Th ta="right">{t('index')}</Table.Th>
                      <Table.Th ta="right">{t('total')}</Table.Th>
                      {COMPONENTS.map((c) => (
                        <Table.Th key={c} ta="right">
                          {t(`components.${c}`)}
                        </Table.Th>
                      ))}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.teams.map((team) => (
                      <Table.Tr key={team.teamId} data-testid="ranking-row">
                        <Table.Td>{team.rank}</Table.Td>
                        <Table.Td>
                          {team.teamName}
                          <Text fz="xs" c="dimmed">
                            {team.members.map((m) => m.displayName).join(', ')}
                          </Text>
                        </Table.Td>
                        <Table.Td>{team.unit?.name ?? '–'}</Table.Td>
                        <Table.Td ta="right" fw={700}>
                          <ReviewNumber href={team.links.review}>{fmtIndex(team.index, locale)}</ReviewNumber>
                        </Table.Td>
                        <Table.Td ta="right">
                          <ReviewNumber href={team.links.review}>{formatNumber(team.total, 2)}</ReviewNumber>
                        </Table.Td>
                        {COMPONENTS.map((c) => (
                          <Table.Td key={c} ta="right">
                            <ReviewNumber href={team.links.review}>{formatNumber(team.components[c].score, 2)}</ReviewNumber>
                            <Text span c="dimmed" fz="xs">
                              /{team.components[c].max}
                            </Text>
                          </Table.Td>
                        ))}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea>
              <div style={{ width: '100%', height: 70 + data.teams.length * 36 }}>
                <ResponsiveContainer>
                  <BarChart
                    data={data.teams.map((team) => ({ name: team.teamName, ...Object.fromEntries(COMPONENTS.map((c) => [c, team.components[c].score])) }))}
                    layout="vertical"
                    margin={{ left: 10, right: 20 }}
                  >
                    <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
                    <XAxis type="number" domain={[0, 1000]} tickFormatter={(v: number) => fmtNumber(v, locale)} />
                    <YAxis type="category" dataKey="name" width={160} />
                    <Tooltip formatter={(v) => fmtNumber(Number(v), locale)} />
                    <Legend />
                    {COMPONENTS.map((c) => (
                      <Bar key={c} dataKey={c} name={t(`components.${c}`)} stackId="s" fill={COMPONENT_COLORS[c]} isAnimationActive={false} />
                    ))}
                  </BarChart>
                </ResponsiveContainer>
              </div>
            </Paper>
            <Paper withBorder p="sm">
              <Title order={2} fz="md" mb="xs">
                {t('metrics.title')}
              </Title>
              <ScrollArea>
                <Table fz="sm" striped data-testid="metrics">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('team')}</Table.Th>
                      {(['mtta', 'mttv', 'mttc', 'detectionRate', 'fpRate', 'reportsOnTime', 'responsesInWindow', 'harmful', 'hints'] as const).map((k) => (
                        <Table.Th key={k} ta="right">
                          {t(`metrics.${k}`)}
                        </Table.Th>
                      ))}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.teams.map((team) => {
                      const m = team.metrics;
                      const cells = [
                        fmtDuration(m.meanTimeToAcknowledgeMs, locale),
                        fmtDuration(m.meanTimeToVerdictMs, locale),
                        fmtDuration(m.meanTimeToContainMs, locale),
                        fmtPct(m.detectionRate, locale),
                        fmtPct(m.falsePositiveRate, locale),
                        `${m.reportsOnTime}/${m.reportsDue}`,
                        `${m.responsesInWindow}/${m.responsesDue}`,
                        String(m.harmfulActions),
                        String(m.hintsUsed),
                      ];
                      return (
                        <Table.Tr key={team.teamId}>
                          <Table.Td>{team.teamName}</Table.Td>
                          {cells.map((v, i) => (
                            <Table.Td key={i} ta="right">
                              <ReviewNumber href={team.links.review}>{v}</ReviewNumber>
                            </Table.Td>
                          ))}
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </ScrollArea>
            </Paper>
            {e.status !== 'draft' && <WeaknessesView exercises={[e]} fixedExerciseIds={[e.id]} defaultBy="team" />}
          </>
        )}
      </Stack>
    </AppLayout>
  );
}
