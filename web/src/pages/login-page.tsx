import { Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';
import { login } from '../api/api-client.js';
import { LanguageSwitch, ThemeSwitch } from '../components/app-layout.js';
import { ErrorText } from '../components/error-text.js';

export function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
      const from = (location.state as { from?: string } | null)?.from;
      void navigate(from && from !== '/login' ? from : '/', { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="md" p="xl" w={420} radius="md">
        <form onSubmit={submit} aria-labelledby="login-title">
          <Stack>
            <Group justify="space-between">
              <Title order={1} fz="h2" id="login-title">
                ◆ {t('app.name')}
              </Title>
              <Group gap="xs">
                <LanguageSwitch />
                <ThemeSwitch />
              </Group>
            </Group>
            <Text c="dimmed" fz="sm">
              {t('app.tagline')}
            </Text>
            <Title order={2} fz="h4">
              {t('login.title')}
            </Title>
            <TextInput
              label={t('login.username')}
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
              autoComplete="username"
              required
              autoFocus
              name="username"
            />
            <PasswordInput
              label={t('login.password')}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              autoComplete="current-password"
              required
              name="password"
            />
            <ErrorText error={error} />
            <Button type="submit" loading={busy} data-testid="login-submit">
              {t('login.submit')}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
