import { Button, Center, Divider, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';
import { ApiError, completeSso, login, ssoConfig, startSso } from '../api/api-client.js';
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
  const [ssoEnabled, setSsoEnabled] = useState(false);
  const [ssoBusy, setSsoBusy] = useState(false);
  const [ssoCompleting, setSsoCompleting] = useState(false);

  useEffect(() => {
    ssoConfig().then(
      (config) => setSsoEnabled(config.enabled),
      () => setSsoEnabled(false),
    );
  }, []);

  // Back from single sign-on: the server put a one-time code (or an error code) in the fragment.
  // Take it out of the address bar and history at once, then exchange the code over POST.
  useEffect(() => {
    const fragment = new URLSearchParams(window.location.hash.slice(1));
    const code = fragment.get('sso');
    const refused = fragment.get('sso-error');
    if (code === null && refused === null) return;
    window.history.replaceState(window.history.state, '', window.location.pathname);
    if (refused !== null) {
      setError(new ApiError(0, refused, refused));
      return;
    }
    setSsoBusy(true);
    setSsoCompleting(true);
    completeSso(code!).then(
      () => void navigate('/', { replace: true }),
      (e: unknown) => {
        setError(e);
        setSsoBusy(false);
        setSsoCompleting(false);
      },
    );
  }, [navigate]);

  async function signInWithSso() {
    setSsoBusy(true);
    setError(null);
    try {
      await startSso();
    } catch (e) {
      setError(e);
      setSsoBusy(false);
    }
  }

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
            <Button type="submit" loading={busy} disabled={ssoBusy} data-testid="login-submit">
              {t('login.submit')}
            </Button>
            {ssoEnabled && (
              <>
                <Divider label={t('login.or')} labelPosition="center" />
                <Button variant="default" loading={ssoBusy} onClick={() => void signInWithSso()} data-testid="login-sso">
                  {t('login.sso')}
                </Button>
              </>
            )}
            {ssoCompleting && (
              <Text fz="sm" c="dimmed" role="status">
                {t('login.ssoCompleting')}
              </Text>
            )}
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
