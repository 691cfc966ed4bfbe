import { Badge, Button, Checkbox, Group, Paper, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useVirtualTime } from '../lib/virtual-time.js';
import { useConsole } from './console-context.js';

/** The team channel: short messages and hand-over notes, recorded in the exercise log like any action. */
export function ChannelPanel() {
  const { t } = useTranslation();
  const time = useVirtualTime();
  const { state, act, members, triageError, ended } = useConsole();
  const [text, setText] = useState('');
  const [handover, setHandover] = useState(false);
  const messages = state?.messages ?? [];
  const disabled = Boolean(triageError) || ended;
  const send = async () => {
    if (!text.trim()) return;
    if (await act({ type: 'team.message', text: text.trim(), handover })) {
      setText('');
      setHandover(false);
    }
  };
  return (
    <Paper withBorder p="sm" maw={900}>
      <Text fw={700} component="h2" fz="md" m={0} mb="xs">
        {t('channel.title')}
      </Text>
      <Stack gap={6} mb="sm" data-testid="channel-messages" aria-live="polite">
        {messages.length === 0 && (
          <Text fz="sm" c="dimmed">
            {t('channel.empty')}
          </Text>
        )}
        {messages.map((m) => (
          <Paper key={m.actionId} p={6} withBorder={m.handover} bg={m.handover ? 'var(--mantine-color-yellow-light)' : undefined} data-testid="channel-message">
            <Group gap={6} mb={2}>
              <Text fz="xs" fw={700}>
                {members.get(m.userId) ?? m.userId.slice(0, 8)}
              </Text>
              <Text fz="xs" c="dimmed">
                {time(m.virtualMs)}
              </Text>
              {m.handover && (
                <Badge size="xs" color="yellow">
                  {t('channel.handover')}
                </Badge>
              )}
            </Group>
            <Text fz="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {m.text}
            </Text>
          </Paper>
        ))}
      </Stack>
      <Textarea
        autosize
        minRows={2}
        maxLength={2000}
        label={t('channel.field')}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
            e.preventDefault();
            e.stopPropagation();
            void send();
          }
        }}
        disabled={disabled}
        data-testid="channel-field"
      />
      <Group justify="space-between" mt="xs">
        <Checkbox
          label={t('channel.handover')}
          checked={handover}
          onChange={(e) => setHandover(e.currentTarget.checked)}
          disabled={disabled}
          data-testid="channel-handover"
        />
        <Button disabled={disabled || !text.trim()} onClick={() => void send()} data-testid="channel-send">
          {t('channel.send')}
        </Button>
      </Group>
    </Paper>
  );
}
