import { Button, Group, NumberInput, Paper, ScrollArea, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExerciseDto } from '@contracts/exercise.schema.js';
import type { ReportGrade, ReportGradeVerdict } from '@contracts/scoring.schema.js';
import type { ReportRecord } from '@contracts/triage.schema.js';
import { api } from '../api/api-client.js';
import { queries, queryKeys } from '../api/queries.js';
import { ErrorText } from '../components/error-text.js';
import { latestGrades, ReportGradeBadge } from '../components/report-grade-badge.js';
import { formatClock } from '../lib/format.js';

/**
 * The cockpit's hand grading of filed reports: the instructor reads a team's report and accepts it
 * or asks for a revision with a comment (and optional points, a separate audited adjustment).
 */
export function ReportGrading({ exercise, partyName }: { exercise: ExerciseDto; partyName: (id: string) => string }) {
  const { t } = useTranslation();
  const states = useQueries({ queries: exercise.teams.map((team) => queries.teamStateOf(exercise.id, team.id)) });
  const grades = useQuery(queries.reportGrades(exercise.id));
  const latest = latestGrades(grades.data?.grades);
  const [open, setOpen] = useState<string | null>(null);
  const rows = exercise.teams.flatMap((team, i) => (states[i]?.data?.reports ?? []).map((report) => ({ team, report })));
  rows.sort((a, b) => a.report.virtualMs - b.report.virtualMs);
  return (
    <Paper withBorder p="sm" data-testid="report-grading">
      <Title order={2} fz="md" mb={4}>
        {t('grading.title')}
      </Title>
      <Text fz="xs" c="dimmed" mb="xs">
        {t('grading.explain')}
      </Text>
      <ErrorText error={grades.error} />
      {rows.length === 0 && (
        <Text c="dimmed" fz="sm">
          {t('grading.none')}
        </Text>
      )}
      <ScrollArea.Autosize mah={420}>
        <Table fz="xs" verticalSpacing={4}>
          <Table.Tbody>
            {rows.map(({ team, report }) => {
              const key = `${team.id}:${report.id}`;
              return (
                <Table.Tr key={key} data-testid="grading-row" data-report={report.id} data-team={team.id}>
                  <Table.Td ff="monospace" w={60} style={{ verticalAlign: 'top' }}>
                    {formatClock(report.virtualMs)}
                  </Table.Td>
                  <Table.Td style={{ verticalAlign: 'top' }}>
                    <Text fz="xs" fw={700}>
                      {team.name} · {report.id} · {t(`report.kinds.${report.kind}`)}
                    </Text>
                    <Text fz="xs">→ {report.recipients.map(partyName).join('; ')}</Text>
                    <Text fz="xs" c="dimmed" lineClamp={3}>
                      {report.content.whatHappened}
                    </Text>
                    {open === key && <GradeForm exerciseId={exercise.id} teamId={team.id} report={report} onDone={() => setOpen(null)} />}
                  </Table.Td>
                  <Table.Td w={170} style={{ verticalAlign: 'top' }}>
                    <ReportGradeBadge grade={latest.get(key)} />
                    {open !== key && (
                      <Button size="compact-xs" variant="light" mt={4} onClick={() => setOpen(key)} data-testid="grading-open">
                        {t('grading.grade')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
    </Paper>
  );
}

function GradeForm({ exerciseId, teamId, report, onDone }: { exerciseId: string; teamId: string; report: ReportRecord; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState('');
  const [points, setPoints] = useState<number | string>(0);
  const grade = useMutation({
    mutationFn: (verdict: ReportGradeVerdict) =>
      api.post<ReportGrade>(`/exercises/${exerciseId}/teams/${encodeURIComponent(teamId)}/reports/${encodeURIComponent(report.id)}/grades`, {
        verdict,
        comment: comment.trim(),
        points: typeof points === 'number' ? points : 0,
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.reportGrades(exerciseId) });
      onDone();
    },
  });
  return (
    <Stack gap={4} mt={6} data-testid="grading-form">
      <Textarea
        size="xs"
        label={t('grading.comment')}
        value={comment}
        onChange={(e) => setComment(e.currentTarget.value)}
        autosize
        minRows={2}
        maxLength={2000}
        data-testid="grading-comment"
      />
      <NumberInput size="xs" w={200} label={t('grading.points')} min={-100} max={100} value={points} onChange={setPoints} data-testid="grading-points" />
      <Group gap="xs">
        <Button size="compact-xs" color="teal" loading={grade.isPending} onClick={() => grade.mutate('accepted')} data-testid="grading-accept">
          {t('grading.accept')}
        </Button>
        <Button
          size="compact-xs"
          color="orange"
          loading={grade.isPending}
          disabled={comment.trim().length < 3}
          onClick={() => grade.mutate('revision-requested')}
          data-testid="grading-revise"
        >
          {t('grading.revise')}
        </Button>
        <Button size="compact-xs" variant="default" onClick={onDone}>
          {t('common.cancel')}
        </Button>
      </Group>
      <ErrorText error={grade.error} />
    </Stack>
  );
}
