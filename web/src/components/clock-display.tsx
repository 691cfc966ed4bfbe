import { Badge, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ClockStateDto } from '@contracts/exercise.schema.js';
import { formatClock, formatNumber, formatOffset, formatVirtualTime } from '../lib/format.js';
import { useWallClockStart } from '../lib/virtual-time.js';
import { inOvertime } from '../realtime/exercise-end.js';
import { useTicker, virtualNow } from '../realtime/hooks.js';

export function ClockDisplay({ clock, receivedAt }: { clock: ClockStateDto | null; receivedAt: number }) {
  const { t } = useTranslation();
  const now = useTicker(100);
  const start = useWallClockStart();
  if (!clock) return <Text c="dimmed">--:--</Text>;
  const ms = virtualNow(clock, receivedAt, now);
  return (
    <Group gap="xs" wrap="nowrap" aria-label={t('clock.virtual')} data-testid="clock" style={{ flexShrink: 0 }}>
      {/* The drill's wall clock, as the raw logs write it, with the offset beside it. */}
      <Text ff="monospace" fw={700} fz="xl" data-testid="clock-time" aria-live="off" title={t('clock.wallClock')}>
        {formatVirtualTime(ms, start)}
      </Text>
      <Text c="dimmed" fz="sm" style={{ whiteSpace: 'nowrap' }} data-testid="clock-offset">
        {start !== null ? `${formatOffset(ms)} ` : ''}/ {formatClock(clock.durationMs)}
      </Text>
      <Badge variant="light" color="blue" data-testid="clock-speed" title={t('clock.speed')}>
        {t('clock.speedValue', { speed: formatNumber(clock.speed, 2) })}
      </Badge>
      <Badge
        variant="filled"
        color={clock.status === 'running' ? 'teal' : clock.status === 'paused' ? 'yellow' : 'gray'}
        data-testid="clock-status"
        data-status={clock.status}
      >
        {t(`status.${clock.status}`)}
      </Badge>
      {inOvertime(clock, ms) && (
        <Badge variant="filled" color="orange" data-testid="clock-overtime" title={t('overtime.explain')}>
          {t('overtime.badge')}
        </Badge>
      )}
    </Group>
  );
}
