import { Badge, Button, Group, Paper, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { PracticeOpening } from '@contracts/practice.schema.js';
import { api, apiRequest } from '../api/api-client.js';
import { ErrorText } from '../components/error-text.js';
import { PRACTICE_NS } from './practice-i18n.js';
import { practiceKeys, practiceQueries } from './practice-queries.js';

/** Instructors open or close one scenario version for their organisation's self-paced practice (audited server-side). */
export function PracticeOpeningToggle({ versionId }: { versionId: string }) {
  const { t } = useTranslation(PRACTICE_NS);
  const queryClient = useQueryClient();
  const openings = useQuery(practiceQueries.openings());
  const isOpen = (openings.data ?? []).some((o) => o.scenarioVersionId === versionId);
  const toggle = useMutation({
    mutationFn: () =>
      isOpen
        ? apiRequest<PracticeOpening[]>('DELETE', `/practice/openings/${versionId}`)
        : api.post<PracticeOpening[]>('/practice/openings', { scenarioVersionId: versionId }),
    onSuccess: (list) => queryClient.setQueryData(practiceKeys.openings(), list),
  });
  return (
    <Paper withBorder p="xs" data-testid="practice-opening" data-open={isOpen ? 'true' : 'false'}>
      <Group gap="sm" justify="space-between" wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <Badge color={isOpen ? 'teal' : 'gray'}>{t('openings.title')}</Badge>
          <Text fz="sm">{isOpen ? t('openings.isOpen') : t('openings.isClosed')}</Text>
        </Group>
        <Button
          size="xs"
          variant={isOpen ? 'default' : 'filled'}
          color="teal"
          disabled={!openings.data}
          loading={toggle.isPending}
          onClick={() => toggle.mutate()}
          data-testid="practice-opening-toggle"
        >
          {isOpen ? t('openings.close') : t('openings.open')}
        </Button>
      </Group>
      <ErrorText error={openings.error ?? toggle.error} />
    </Paper>
  );
}
