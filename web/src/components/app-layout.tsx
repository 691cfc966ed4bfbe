import { ActionIcon, AppShell, Button, Group, SegmentedControl, Text, Tooltip, useMantineColorScheme } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, useNavigate } from 'react-router-dom';
import { logout } from '../api/api-client.js';
import { currentLang, setLanguage } from '../i18n/i18n.js';
import { realtime } from '../realtime/realtime-hub.js';
import { useSession } from '../realtime/hooks.js';
import { ConnectionBadge } from './connection-badge.js';
import { ResultsNavLink } from '../reviewer/results-nav-link.js';
import { isReviewerOnly } from '../pages/roles.js';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('common.language')}
      value={i18n.language === 'en' ? 'en' : currentLang()}
      onChange={(v) => setLanguage(v === 'en' ? 'en' : 'vi')}
      data={[
        { value: 'vi', label: 'VI' },
        { value: 'en', label: 'EN' },
      ]}
      data-testid="lang-switch"
    />
  );
}

export function ThemeSwitch() {
  const { t } = useTranslation();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const next = colorScheme === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`${t('common.theme')}: ${t(`common.${next}`)}`}>
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={`${t('common.theme')}: ${t(`common.${next}`)}`}
        onClick={() => setColorScheme(next)}
        data-testid="theme-switch"
      >
        <span aria-hidden="true">{colorScheme === 'dark' ? '☀' : '☾'}</span>
      </ActionIcon>
    </Tooltip>
  );
}

/** `live`: the page follows an exercise's live stream, so the header shows the connection state (elsewhere it means nothing). */
export function AppLayout({ children, headerExtra, live = false }: { children: ReactNode; headerExtra?: ReactNode; live?: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { user } = useSession();
  const isInstructor = user?.roles.some((r) => r === 'instructor' || r === 'admin') ?? false;
  const linkStyle = ({ isActive }: { isActive: boolean }) => ({
    fontWeight: isActive ? 700 : 500,
    textDecoration: isActive ? 'underline' : 'none',
    color: 'inherit',
  });
  return (
    <AppShell header={{ height: 52 }} padding="sm">
      <AppShell.Header>
        <Group h="100%" px="sm" justify="space-between" wrap="nowrap">
          <Group gap="md" wrap="nowrap">
            <Text fw={800} c="blue.4" component="span" aria-label={t('app.name')}>
              ◆ {t('app.name')}
            </Text>
            <nav aria-label={t('nav.main')}>
              <Group gap="md" wrap="nowrap">
                {/* A reviewer has no exercise of their own: their home is the results. */}
                {!isReviewerOnly(user?.roles ?? []) && (
                  <NavLink to="/" end style={linkStyle}>
                    {t('nav.lobby')}
                  </NavLink>
                )}
                <ResultsNavLink style={linkStyle} />
                {isInstructor && (
                  <>
                    <NavLink to="/scenarios" style={linkStyle}>
                      {t('nav.scenarios')}
                    </NavLink>
                    <NavLink to="/exercises/new" style={linkStyle}>
                      {t('nav.newExercise')}
                    </NavLink>
                  </>
                )}
              </Group>
            </nav>
          </Group>
          {headerExtra}
          <Group gap="xs" wrap="nowrap">
            {live && <ConnectionBadge />}
            <LanguageSwitch />
            <ThemeSwitch />
            {user?.sso ? (
              // The identity provider manages a single sign-on user's password.
              <Text fz="sm" c="dimmed" data-testid="current-user" visibleFrom="lg">
                {user.displayName}
              </Text>
            ) : (
              <Tooltip label={t('password.menu')}>
                <Text fz="sm" c="dimmed" data-testid="current-user" visibleFrom="lg" component={Link} to="/account/password" style={{ textDecoration: 'none' }}>
                  {user?.displayName}
                </Text>
              </Tooltip>
            )}
            <Button
              size="xs"
              variant="default"
              onClick={async () => {
                realtime.shutdown();
                const ssoLogoutUrl = await logout();
                // A single sign-on user is also signed out at the identity provider, which returns to /login.
                if (ssoLogoutUrl) window.location.assign(ssoLogoutUrl);
                else void navigate('/login');
              }}
              data-testid="logout"
            >
              {t('common.logout')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
