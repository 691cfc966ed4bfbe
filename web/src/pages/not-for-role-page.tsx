import { Button, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { AppLayout } from '../components/app-layout.js';
import { useSession } from '../realtime/hooks.js';

/** Shown instead of a page the signed-in user's roles do not open: what it is for, and the way back. */
export function NotForRolePage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const roles = (user?.roles ?? []).map((r) => t(`roles.${r}`, { defaultValue: r })).join(', ');
  return (
    <AppLayout>
      <Paper withBorder p="xl" maw={640} mx="auto" mt="xl" data-testid="not-for-role">
        <Stack gap="sm">
          <Title order={1} fz="h3">
            {t('notForRole.title')}
          </Title>
          <Text>{t('notForRole.body')}</Text>
          <Text c="dimmed" fz="sm">
            {t('notForRole.yourRoles', { roles })}
          </Text>
          <Button component={Link} to="/" w="fit-content" data-testid="not-for-role-home">
            {t('notForRole.home')}
          </Button>
        </Stack>
      </Paper>
    </AppLayout>
  );
}
