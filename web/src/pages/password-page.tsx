import { Alert, Button, Center, Group, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';
import type { TokenPair } from '@contracts/auth-api.schema.js';
import { ApiError, apiRequest, logout, session } from '../api/api-client.js';
import { LanguageSwitch, ThemeSwitch } from '../components/app-layout.js';
import { ErrorText } from '../components/error-text.js';
import { useSession } from '../realtime/hooks.js';

const MIN_LENGTH = 12;

/**
 * Change your password. A user whose password an administrator set lands here after signing in and
 * can do nothing else until they choose their own (the server enforces it too).
 */
export function PasswordPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const { user } = useSession();
  const required = user?.mustChangePassword === true;
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const tooShort = [...next].length > 0 && [...next].length < MIN_LENGTH;
  const mismatch = confirm.length > 0 && confirm !== next;
  const rejected = error instanceof ApiError && error.code === 'VALIDATION_FAILED' && error.details.some((d) => d.path === 'newPassword');

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      session.accept(await apiRequest<TokenPair>('POST', '/auth/password', { currentPassword: current, newPassword: next }, false));
      const from = (location.state as { from?: string } | null)?.from;
      void navigate(from && from !== '/account/password' ? from : '/', { replace: true, state: { passwordChanged: true } });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="md" p="xl" w={460} radius="md">
        <form onSubmit={submit} aria-labelledby="password-title">
          <Stack>
            <Group justify="space-between">
              <Title order={1} fz="h3" id="password-title">
                {t('password.title')}
              </Title>
              <Group gap="xs">
                <LanguageSwitch />
                <ThemeSwitch />
              </Group>
            </Group>
            {required && (
              <Alert color="yellow" variant="light" data-testid="password-required">
                {t('password.required')}
              </Alert>
            )}
            <Text fz="sm" c="dimmed">
              {t('password.rules', { min: MIN_LENGTH })}
            </Text>
            <PasswordInput
              label={t('password.current')}
              value={current}
              onChange={(e) => setCurrent(e.currentTarget.value)}
              autoComplete="current-password"
              required
              name="currentPassword"
            />
            <PasswordInput
              label={t('password.new')}
              value={next}
              onChange={(e) => setNext(e.currentTarget.value)}
              autoComplete="new-password"
              required
              name="newPassword"
              error={tooShort ? t('password.tooShort', { min: MIN_LENGTH }) : rejected ? t('password.rejected') : undefined}
            />
            <PasswordInput
              label={t('password.confirm')}
              value={confirm}
              onChange={(e) => setConfirm(e.currentTarget.value)}
              autoComplete="new-password"
              required
              name="confirmPassword"
              error={mismatch ? t('password.mismatch') : undefined}
            />
            {!rejected && <ErrorText error={error} />}
            <Group justify="space-between">
              <Button variant="subtle" onClick={() => (required ? void logout().then(() => navigate('/login', { replace: true })) : navigate(-1))}>
                {required ? t('password.signOut') : t('password.cancel')}
              </Button>
              <Button
                type="submit"
                loading={busy}
                disabled={current.length === 0 || [...next].length < MIN_LENGTH || confirm !== next}
                data-testid="password-submit"
              >
                {t('password.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
