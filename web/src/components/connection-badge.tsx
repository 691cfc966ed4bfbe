import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useConnectionState } from '../realtime/hooks.js';

const COLORS = { connected: 'teal', reconnecting: 'yellow', offline: 'red', idle: 'gray' } as const;

/** On live pages the socket state is on screen: trainees must know whether silence means "no alerts" or "no link". */
export function ConnectionBadge() {
  const { t } = useTranslation();
  const state = useConnectionState();
  const label = t(`connection.${state}`);
  return (
    <Badge
      color={COLORS[state]}
      variant="dot"
      size="md"
      role="status"
      aria-live="polite"
      aria-label={t('connection.label', { state: label })}
      data-testid="connection-state"
      data-state={state}
    >
      {label}
    </Badge>
  );
}
