import { Alert, Button, Group, MultiSelect, NumberInput, Paper, Select, Stack, Switch, TextInput, Title, ActionIcon, Text } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { ExerciseDto } from '@contracts/exercise.schema.js';
import { api, ApiError } from '../api/api-client.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { queries, queryKeys } from '../api/queries.js';
import { AppLayout } from '../components/app-layout.js';
import { ErrorText } from '../components/error-text.js';
import { pick } from '../lib/format.js';

interface TeamDraft {
  key: number;
  name: string;
  memberIds: string[];
  manual: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function CreateExercisePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const scenarios = useQuery(queries.scenarios());
  const users = useQuery(queries.trainees());
  const exercises = useQuery(queries.exercises());
  const [versionId, setVersionId] = useState<string | null>(params.get('versionId'));
  const [title, setTitle] = useState('');
  const [teams, setTeams] = useState<TeamDraft[]>([{ key: 1, name: t('create.defaultTeam', { n: 1 }), memberIds: [], manual: '' }]);
  const [speed, setSpeed] = useState<number | string>(1);
  const [seed, setSeed] = useState('');
  const [era, setEra] = useState<string | null>(null);
  // The server's default: trainees see no score until the instructor reveals it.
  const [visibility, setVisibility] = useState<string>('none');
  const [allowOvertime, setAllowOvertime] = useState(false);
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => api.post<ExerciseDto>('/exercises', body),
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.exercises() });
      void navigate(`/exercises/${created.id}/cockpit`);
    },
  });

  useEffect(() => {
    if (!versionId && scenarios.data?.length) {
      const flagship = scenarios.data.find((s) => s.tags.includes('flagship')) ?? scenarios.data[0]!;
      setVersionId(flagship.versionId);
    }
  }, [scenarios.data, versionId]);

  // Instructors may not list users (admin only): fall back to members seen in earlier exercises.
  const userOptions = useMemo(() => {
    const map = new Map<string, string>();
    for (const u of users.data?.items ?? []) map.set(u.id, `${u.displayName} (${u.username})`);
    for (const ex of exercises.data ?? [])
      for (const team of ex.teams) for (const m of team.members) if (!map.has(m.id)) map.set(m.id, `${m.displayName} (${m.username})`);
    return [...map].map(([value, label]) => ({ value, label }));
  }, [users.data, exercises.data]);
  const usersForbidden = users.error instanceof ApiError ? users.error.code : null;

  const update = (key: number, patch: Partial<TeamDraft>) => setTeams((list) => list.map((team) => (team.key === key ? { ...team, ...patch } : team)));

  function submit() {
    if (!versionId) return;
    const body = {
      scenarioVersionId: versionId,
      ...(title.trim() ? { title: title.trim() } : {}),
      teams: teams.map((team) => ({
        name: team.name.trim() || t('create.defaultTeam', { n: team.key }),
        memberIds: [...new Set([...team.memberIds, ...team.manual.split(/[\s,;]+/).filter((id) => UUID.test(id))])],
      })),
      speed: typeof speed === 'number' ? speed : Number(speed) || 1,
      ...(seed.trim() ? { seed: seed.trim() } : {}),
      ...(era ? { era } : {}),
      scoreVisibility: visibility,
      allowOvertime,
    };
    create.mutate(body);
  }

  return (
    <AppLayout>
      <Paper
        withBorder
        p="md"
        maw={900}
        mx="auto"
        component="form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        aria-labelledby="create-title"
      >
        <Stack gap="sm">
          <Title order={1} fz="h3" id="create-title">
            {t('create.title')}
          </Title>
          <ErrorText error={scenarios.error} />
          <Select
            label={t('create.scenario')}
            data={(scenarios.data ?? []).map((s) => ({ value: s.versionId, label: `${pick(s.title)} (v${s.version})` }))}
            value={versionId}
            onChange={setVersionId}
            required
            searchable
            data-testid="create-scenario"
          />
          <TextInput label={t('create.exerciseTitle')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} data-testid="create-title" />
          <Title order={2} fz="md">
            {t('create.teams')}
          </Title>
          {usersForbidden && (
            <Alert color="yellow" data-testid="users-forbidden">
              {t('create.usersForbidden', { code: usersForbidden })}
            </Alert>
          )}
          {teams.map((team) => (
            <Paper key={team.key} withBorder p="xs" data-testid="team-draft">
              <Group align="flex-end" wrap="nowrap">
                <TextInput
                  label={t('create.teamName')}
                  value={team.name}
                  onChange={(e) => update(team.key, { name: e.currentTarget.value })}
                  w={200}
                  data-testid="team-name"
                />
                <MultiSelect
                  style={{ flex: 1 }}
                  label={t('create.members')}
                  data={userOptions}
                  value={team.memberIds}
                  onChange={(v) => update(team.key, { memberIds: v })}
                  searchable
                  data-testid="team-members"
                />
                <ActionIcon
                  variant="subtle"
                  color="red"
                  size="lg"
                  aria-label={t('create.removeTeam')}
                  disabled={teams.length === 1}
                  onClick={() => setTeams((list) => list.filter((x) => x.key !== team.key))}
                >
                  <span aria-hidden="true">✕</span>
                </ActionIcon>
              </Group>
              {usersForbidden && (
                <TextInput mt="xs" label={t('create.manualIds')} value={team.manual} onChange={(e) => update(team.key, { manual: e.currentTarget.value })} />
              )}
            </Paper>
          ))}
          <Group>
            <Button
              variant="default"
              onClick={() =>
                setTeams((list) => [
                  ...list,
                  { key: Math.max(...list.map((x) => x.key)) + 1, name: t('create.defaultTeam', { n: list.length + 1 }), memberIds: [], manual: '' },
                ])
              }
              data-testid="add-team"
            >
              {t('create.addTeam')}
            </Button>
          </Group>
          <Group grow>
            <NumberInput
              label={t('create.speed')}
              min={0.25}
              max={100}
              step={0.25}
              decimalScale={2}
              value={speed}
              onChange={setSpeed}
              data-testid="create-speed"
            />
            <TextInput label={t('create.seed')} value={seed} onChange={(e) => setSeed(e.currentTarget.value)} />
          </Group>
          <Group grow>
            <Select
              label={t('create.era')}
              clearable
              data={[
                { value: 'pre-2025', label: t('create.eraPre') },
                { value: '2025', label: t('create.era2025') },
              ]}
              value={era}
              onChange={setEra}
            />
            <Select
              label={t('create.visibility')}
              data={(['none', 'own', 'rank', 'full'] as const).map((v) => ({ value: v, label: t(`create.vis.${v}`) }))}
              value={visibility}
              onChange={(v) => v && setVisibility(v)}
              allowDeselect={false}
            />
          </Group>
          <Switch
            label={t('overtime.label')}
            description={t('overtime.explain')}
            checked={allowOvertime}
            onChange={(e) => setAllowOvertime(e.currentTarget.checked)}
            data-testid="create-overtime"
          />
          <ErrorText error={create.error} />
          <Group justify="flex-end">
            <Text fz="xs" c="dimmed">
              {userOptions.length} {t('create.members').toLowerCase()}
            </Text>
            <Button type="submit" loading={create.isPending} disabled={!versionId} data-testid="create-submit">
              {t('create.submit')}
            </Button>
          </Group>
        </Stack>
      </Paper>
    </AppLayout>
  );
}
