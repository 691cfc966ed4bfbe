import { Badge, Button, Checkbox, Group, Select, Stack, Table, Tabs, Text, Textarea, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IncidentState, TeamState } from '@contracts/triage.schema.js';
import { pick } from '../lib/format.js';
import { useVirtualTime } from '../lib/virtual-time.js';
import { useConsole } from './console-context.js';
import type { AlertRow } from './console-model.js';

/** Where an indicator of the incident shows up among the team's delivered alerts. */
export function iocSightings(incident: IncidentState, rows: readonly AlertRow[]): Array<{ type: string; value: string; alerts: AlertRow[] }> {
  return incident.observables.map((o) => {
    const value = o.value.toLowerCase();
    return {
      type: o.type,
      value: o.value,
      alerts: rows.filter(
        (r) => r.alert.observables.some((x) => x.value.toLowerCase() === value) || (r.alert.asset !== undefined && r.alert.asset.toLowerCase() === value),
      ),
    };
  });
}

/**
 * Per asset of the incident (and every target the team acted on for it): the response actions
 * taken, and the alerts on that asset the team received after the last one, which is all the drill
 * reveals of their effect; the answer key's verdict on them is never shown.
 */
export function containmentRows(
  incident: IncidentState,
  state: TeamState | null,
  rows: readonly AlertRow[],
): Array<{ target: string; actions: TeamState['responses']; after: AlertRow[] }> {
  const responses = (state?.responses ?? []).filter((r) => r.incidentId === incident.id || (r.incidentId === null && incident.assets.includes(r.target)));
  const targets = [...new Set([...incident.assets, ...responses.map((r) => r.target)])];
  return targets.map((target) => {
    const actions = responses.filter((r) => r.target === target);
    const lastMs = actions.length > 0 ? Math.max(...actions.map((a) => a.virtualMs)) : null;
    const key = target.toLowerCase();
    const after =
      lastMs === null
        ? []
        : rows.filter(
            (r) => r.virtualMs > lastMs && ((r.alert.asset ?? '').toLowerCase() === key || r.alert.observables.some((o) => o.value.toLowerCase() === key)),
          );
    return { target, actions, after };
  });
}

export function CaseWork({ incident, rows, titleOf }: { incident: IncidentState; rows: readonly AlertRow[]; titleOf: (alertId: string) => string }) {
  const { t } = useTranslation();
  const tasks = incident.tasks ?? [];
  const notes = incident.notes ?? [];
  const done = tasks.filter((x) => x.done).length;
  return (
    <Tabs defaultValue="tasks" keepMounted={false} data-testid="case-work">
      <Tabs.List>
        <Tabs.Tab value="tasks" data-testid="case-tab-tasks">
          {t('caseWork.tasks')} ({done}/{tasks.length})
        </Tabs.Tab>
        <Tabs.Tab value="notes" data-testid="case-tab-notes">
          {t('caseWork.notes')} ({notes.length})
        </Tabs.Tab>
        <Tabs.Tab value="iocs" data-testid="case-tab-iocs">
          IOC ({incident.observables.length})
        </Tabs.Tab>
        <Tabs.Tab value="containment" data-testid="case-tab-containment">
          {t('caseWork.containment')}
        </Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="tasks" pt="xs">
        <TasksSection incident={incident} />
      </Tabs.Panel>
      <Tabs.Panel value="notes" pt="xs">
        <NotesSection incident={incident} />
      </Tabs.Panel>
      <Tabs.Panel value="iocs" pt="xs">
        <IocSection incident={incident} rows={rows} titleOf={titleOf} />
      </Tabs.Panel>
      <Tabs.Panel value="containment" pt="xs">
        <ContainmentSection incident={incident} rows={rows} titleOf={titleOf} />
      </Tabs.Panel>
    </Tabs>
  );
}

function TasksSection({ incident }: { incident: IncidentState }) {
  const { t } = useTranslation();
  const time = useVirtualTime();
  const { act, briefing, members, triageError, ended } = useConsole();
  const [playbook, setPlaybook] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const disabled = Boolean(triageError) || ended || incident.mergedInto !== null;
  const tasks = incident.tasks ?? [];
  const memberOptions = [...members].map(([value, label]) => ({ value, label }));
  const playbooks = briefing?.playbooks ?? [];
  return (
    <Stack gap={6}>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <Select
          size="xs"
          style={{ flex: 1 }}
          label={t('caseWork.playbook')}
          data={playbooks.map((p) => ({ value: p.id, label: pick(p.title) }))}
          value={playbook}
          onChange={setPlaybook}
          disabled={disabled || playbooks.length === 0}
          data-testid="case-playbook"
        />
        <Button
          size="xs"
          disabled={disabled || playbook === null}
          onClick={async () => {
            if (playbook && (await act({ type: 'incident.playbook', incidentId: incident.id, playbookId: playbook }))) setPlaybook(null);
          }}
          data-testid="case-playbook-apply"
        >
          {t('caseWork.applyPlaybook')}
        </Button>
      </Group>
      {tasks.length === 0 && (
        <Text fz="xs" c="dimmed">
          {t('caseWork.noTasks')}
        </Text>
      )}
      {tasks.map((task) => (
        <Group key={task.id} gap="xs" wrap="nowrap" align="flex-start" data-testid="case-task" data-task-id={task.id} data-done={task.done}>
          <Checkbox
            mt={4}
            checked={task.done}
            disabled={disabled}
            aria-label={pick(task.title)}
            onChange={(e) => void act({ type: 'incident.task', incidentId: incident.id, taskId: task.id, done: e.currentTarget.checked })}
            data-testid="case-task-done"
          />
          <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
            <Text fz="sm" td={task.done ? 'line-through' : undefined}>
              {pick(task.title)}
            </Text>
            {task.description && (
              <Text fz="xs" c="dimmed">
                {pick(task.description)}
              </Text>
            )}
            {task.done && task.doneBy && (
              <Text fz="xs" c="teal">
                {t('caseWork.doneBy', { name: members.get(task.doneBy) ?? task.doneBy.slice(0, 8), time: time(task.doneAtMs ?? 0) })}
              </Text>
            )}
          </Stack>
          <Select
            size="xs"
            w={150}
            aria-label={t('caseWork.assignee')}
            placeholder={t('caseWork.unassigned')}
            data={memberOptions}
            value={task.assigneeId}
            clearable
            disabled={disabled}
            onChange={(v) => v !== task.assigneeId && void act({ type: 'incident.task', incidentId: incident.id, taskId: task.id, assigneeId: v })}
            data-testid="case-task-assignee"
          />
        </Group>
      ))}
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <TextInput
          size="xs"
          style={{ flex: 1 }}
          label={t('caseWork.addTask')}
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
          disabled={disabled}
        />
        <Button
          size="xs"
          variant="light"
          disabled={disabled || !title.trim()}
          onClick={async () => {
            if (await act({ type: 'incident.task-add', incidentId: incident.id, title: title.trim() })) setTitle('');
          }}
        >
          {t('caseWork.addTaskSubmit')}
        </Button>
      </Group>
    </Stack>
  );
}

function NotesSection({ incident }: { incident: IncidentState }) {
  const { t } = useTranslation();
  const time = useVirtualTime();
  const { act, members, triageError, ended } = useConsole();
  const [text, setText] = useState('');
  const disabled = Boolean(triageError) || ended || incident.mergedInto !== null;
  const notes = incident.notes ?? [];
  return (
    <Stack gap={6}>
      {notes.length === 0 && (
        <Text fz="xs" c="dimmed">
          {t('caseWork.noNotes')}
        </Text>
      )}
      {notes.map((note) => (
        <Text key={note.actionId} fz="sm" data-testid="case-note" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          <Text component="span" fz="xs" c="dimmed" mr={6}>
            {time(note.virtualMs)} · {members.get(note.userId) ?? note.userId.slice(0, 8)}
          </Text>
          {note.text}
        </Text>
      ))}
      <Textarea
        size="xs"
        autosize
        minRows={2}
        label={t('caseWork.noteField')}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        disabled={disabled}
        data-testid="case-note-field"
      />
      <Group justify="flex-end">
        <Button
          size="xs"
          disabled={disabled || !text.trim()}
          onClick={async () => {
            if (await act({ type: 'incident.note', incidentId: incident.id, text: text.trim() })) setText('');
          }}
          data-testid="case-note-add"
        >
          {t('caseWork.addNote')}
        </Button>
      </Group>
    </Stack>
  );
}

function IocSection({ incident, rows, titleOf }: { incident: IncidentState; rows: readonly AlertRow[]; titleOf: (alertId: string) => string }) {
  const { t } = useTranslation();
  const sightings = useMemo(() => iocSightings(incident, rows), [incident, rows]);
  if (sightings.length === 0)
    return (
      <Text fz="xs" c="dimmed">
        {t('caseWork.iocNone')}
      </Text>
    );
  return (
    <Table fz="xs" verticalSpacing={2} data-testid="case-iocs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('caseWork.iocs')}</Table.Th>
          <Table.Th>{t('caseWork.iocWhere')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {sightings.map((s) => (
          <Table.Tr key={`${s.type}:${s.value}`} data-testid="case-ioc">
            <Table.Td style={{ overflowWrap: 'anywhere' }}>
              <Badge size="xs" variant="light" mr={4}>
                {s.type}
              </Badge>
              {s.value}
            </Table.Td>
            <Table.Td>
              <Text fz="xs" fw={700}>
                {s.alerts.length}
              </Text>
              {s.alerts.slice(0, 5).map((r) => (
                <Text key={r.id} fz="xs" lineClamp={1}>
                  {titleOf(r.id)}
                </Text>
              ))}
              {s.alerts.length > 5 && (
                <Text fz="xs" c="dimmed">
                  +{s.alerts.length - 5}
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function ContainmentSection({ incident, rows, titleOf }: { incident: IncidentState; rows: readonly AlertRow[]; titleOf: (alertId: string) => string }) {
  const { t } = useTranslation();
  const time = useVirtualTime();
  const { state } = useConsole();
  const lines = useMemo(() => containmentRows(incident, state, rows), [incident, state, rows]);
  if (lines.length === 0)
    return (
      <Text fz="xs" c="dimmed">
        {t('caseWork.containmentNone')}
      </Text>
    );
  return (
    <Table fz="xs" verticalSpacing={2} data-testid="case-containment">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('incident.assets')}</Table.Th>
          <Table.Th>{t('caseWork.actionsTaken')}</Table.Th>
          <Table.Th>{t('caseWork.after')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {lines.map((line) => (
          <Table.Tr key={line.target} data-testid="case-asset" data-target={line.target}>
            <Table.Td fw={700}>{line.target}</Table.Td>
            <Table.Td>
              {line.actions.length === 0 ? (
                <Text fz="xs" c="dimmed">
                  {t('caseWork.noAction')}
                </Text>
              ) : (
                line.actions.map((a) => (
                  <Text key={a.actionId} fz="xs">
                    {time(a.virtualMs)} {t(`response.actions.${a.action}`)}
                  </Text>
                ))
              )}
            </Table.Td>
            <Table.Td>
              {line.actions.length === 0 ? (
                '—'
              ) : line.after.length === 0 ? (
                <Text fz="xs" c="dimmed">
                  {t('caseWork.noneAfter')}
                </Text>
              ) : (
                line.after.slice(0, 4).map((r) => (
                  <Text key={r.id} fz="xs" lineClamp={1} c="orange">
                    {time(r.virtualMs)} {titleOf(r.id)}
                  </Text>
                ))
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
