import { Badge, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ReportGrade } from '@contracts/scoring.schema.js';

/** The latest hand grade of a report: accepted, or a revision requested with the instructor's comment. */
export function ReportGradeBadge({ grade, showPoints = true }: { grade: ReportGrade | undefined; showPoints?: boolean }) {
  const { t } = useTranslation();
  if (grade === undefined)
    return (
      <Badge size="xs" variant="outline" color="gray" data-testid="report-grade" data-verdict="none">
        {t('grading.ungraded')}
      </Badge>
    );
  return (
    <Stack gap={2} data-testid="report-grade" data-verdict={grade.verdict}>
      <Badge size="xs" color={grade.verdict === 'accepted' ? 'teal' : 'orange'}>
        {t(`grading.verdicts.${grade.verdict}`)}
        {showPoints && grade.points !== 0 ? ` (${grade.points > 0 ? '+' : ''}${grade.points})` : ''}
      </Badge>
      {grade.comment && (
        <Text fz="xs" c="dimmed" data-testid="report-grade-comment">
          {grade.comment}
        </Text>
      )}
    </Stack>
  );
}

/** The grade that stands for each report: the latest one (grades arrive oldest first). */
export function latestGrades(grades: readonly ReportGrade[] | undefined, teamId?: string): Map<string, ReportGrade> {
  const latest = new Map<string, ReportGrade>();
  for (const g of grades ?? []) if (teamId === undefined || g.teamId === teamId) latest.set(`${g.teamId}:${g.reportId}`, g);
  return latest;
}
