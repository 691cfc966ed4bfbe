import { Alert, Badge, Button, Group, Modal, Paper, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ClockStateDto, ExerciseDto } from '@contracts/exercise.schema.js';
import type { PracticeHintTaken } from '@contracts/practice.schema.js';
import { api } from '../api/api-client.js';
import { queryKeys } from '../api/queries.js';
import { ErrorText } from '../components/error-text.js';
import { pick } from '../lib/format.js';
import { PRACTICE_NS } from './practice-i18n.js';
import { practiceKeys, practiceQueries } from './practice-queries.js';

const SPEEDS = ['1', '2', '5', '10', '20', '50', '100'];
const SKIPS_MIN = [5, 15];

type ClockOp = { op: 'pause' | 'resume' | 'finish' } | { op: 'speed'; speed: number } | { op: 'seek'; virtualMs: number };

/**
 * The practice run's own bar in the trainee console: the owner moves the clock (pause, resume,
 * speed, skip ahead, end) and asks for practice hints on the selected alert. Graded drills never show it.
 */
export function PracticeBar({
  exercise,
  clock,
  virtualMs,
  alertId,
  ended,
}: {
  exercise: ExerciseDto;
  clock: ClockStateDto;
  virtualMs: () => number;
  alertId: string | null;
  ended: boolean;
}) {
  const { t } = useTranslation(PRACTICE_NS);
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const hints = useQuery(practiceQueries.hints(exercise.id, null));
  const control = useMutation({
    mutationFn: (op: ClockOp) => {
      switch (op.op) {
        case 'speed':
          return api.post<ClockStateDto>(`/exercises/${exercise.id}/speed`, { speed: op.speed });
        case 'seek':
          return api.post<ClockStateDto>(`/exercises/${exercise.id}/seek`, { virtualMs: op.virtualMs });
        default:
          return api.post<ClockStateDto>(`/exercises/${exercise.id}/${op.op}`);
      }
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.exerciseDetail(exercise.id) }),
  });
  const ask = useMutation({
    mutationFn: (id: string) => api.post<PracticeHintTaken>(`/exercises/${exercise.id}/practice-hints`, { alertId: id }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: practiceKeys.hints(exercise.id, null) }),
  });
  const taken = (hints.data?.hints ?? []).filter((h) => alertId !== null && h.alertId === alertId);
  const owner = exercise.practiceOwner && !ended;
  const noMore = ask.error && (ask.error as { code?: string }).code === 'NO_HINT' && ask.variables === alertId;
  return (
    <Paper withBorder p={6} mb={6} data-testid="practice-bar" bg="var(--mantine-color-teal-light)">
      <Stack gap={4}>
        <Group gap="xs" wrap="wrap" role="group" aria-label={t('controls.label')}>
          <Badge color="teal">{t('badge')}</Badge>
          {owner && (
            <>
              {clock.status === 'running' && (
                <Button size="compact-sm" variant="default" onClick={() => control.mutate({ op: 'pause' })} data-testid="practice-pause">
                  {t('controls.pause')}
                </Button>
              )}
              {clock.status === 'paused' && (
                <Button size="compact-sm" variant="default" onClick={() => control.mutate({ op: 'resume' })} data-testid="practice-resume-clock">
                  {t('controls.resume')}
                </Button>
              )}
              <Select
                size="xs"
                w={90}
                aria-label={t('controls.speed')}
                data={SPEEDS.map((v) => ({ value: v, label: `${v}×` }))}
                value={SPEEDS.includes(String(clock.speed)) ? String(clock.speed) : null}
                placeholder={`${clock.speed}×`}
                onChange={(v) => v && control.mutate({ op: 'speed', speed: Number(v) })}
                allowDeselect={false}
                data-testid="practice-speed-control"
              />
              {SKIPS_MIN.map((minutes) => (
                <Button
                  key={minutes}
                  size="compact-sm"
                  variant="default"
                  onClick={() => control.mutate({ op: 'seek', virtualMs: Math.min(virtualMs() + minutes * 60_000, clock.durationMs) })}
                  data-testid={`practice-skip-${minutes}`}
                >
                  {t('controls.skip', { minutes })}
                </Button>
              ))}
              <Button size="compact-sm" color="blue" variant="light" onClick={() => setConfirming(true)} data-testid="practice-finish">
                {t('controls.finish')}
              </Button>
            </>
          )}
          {exercise.practiceOwner && !ended && (
            <Button
              size="compact-sm"
              color="teal"
              disabled={alertId === null}
              loading={ask.isPending}
              onClick={() => alertId && ask.mutate(alertId)}
              data-testid="practice-hint-ask"
              title={alertId === null ? t('hints.selectAlert') : undefined}
            >
              {t('hints.ask')}
            </Button>
          )}
        </Group>
        {control.error && <ErrorText error={control.error} />}
        {noMore ? (
          <Text fz="xs" data-testid="practice-hint-none">
            {t('hints.none')}
          </Text>
        ) : (
          ask.error && <ErrorText error={ask.error} />
        )}
        {taken.map((h, i) => (
          <Alert
            key={`${h.atWall}-${i}`}
            color="teal"
            variant="light"
            p={6}
            title={h.phaseName ? `${t('hints.taken')} · ${t('hints.stage')}: ${pick(h.phaseName)}` : t('hints.taken')}
            data-testid="practice-hint"
          >
            <Text fz="sm">{pick(h.text)}</Text>
          </Alert>
        ))}
      </Stack>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t('controls.finish')} data-testid="practice-finish-confirm">
        <Text mb="sm">{t('controls.confirmFinish')}</Text>
        <Group justify="flex-end">
          <Button
            color="blue"
            onClick={() => {
              setConfirming(false);
              control.mutate({ op: 'finish' });
            }}
            data-testid="practice-finish-confirm-button"
          >
            {t('controls.finish')}
          </Button>
        </Group>
      </Modal>
    </Paper>
  );
}
