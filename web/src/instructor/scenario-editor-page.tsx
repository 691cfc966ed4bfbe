import { Alert, Button, Center, FileButton, Group, Loader, Paper, Table, Text, Title, useComputedColorScheme } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useCallback, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type { ScenarioProblemDto, ScenarioSummary } from '@contracts/scenario-api.schema.js';
import { api, ApiError } from '../api/api-client.js';
import { useQuery } from '@tanstack/react-query';
import { queries } from '../api/queries.js';
import { AppLayout } from '../components/app-layout.js';
import { ErrorText } from '../components/error-text.js';
import { ScenarioTimelinePanel } from './scenario-timeline-panel.js';
import { useScenarioCheck } from './use-scenario-check.js';
import { YamlEditor, type YamlEditorHandle } from './yaml-editor.js';

type Problem = Pick<ScenarioProblemDto, 'path' | 'message'> & { line?: number; column?: number; code?: string; warning?: boolean };
const NONE: readonly ScenarioProblemDto[] = [];

export function ScenarioEditorPage() {
  const { scenarioId, versionId } = useParams();
  const existing = useQuery({ ...queries.scenarioVersion(scenarioId ?? '', versionId ?? ''), enabled: scenarioId !== undefined && versionId !== undefined });
  const editing = scenarioId !== undefined && versionId !== undefined;
  return (
    <AppLayout>
      {editing && !existing.data ? (
        existing.error ? (
          <ErrorText error={existing.error} />
        ) : (
          <Center mih={200}>
            <Loader />
          </Center>
        )
      ) : (
        <ScenarioAuthoring scenarioId={scenarioId} initialText={existing.data?.source ?? ''} readOnly={existing.data?.library === 'shared'} />
      )}
    </AppLayout>
  );
}

/**
 * The scenario editor: YAML with schema completion and hovers, checked on the server as the author
 * types (problems at their line), beside the scenario's timeline from the same check.
 */
function ScenarioAuthoring({ scenarioId, initialText, readOnly }: { scenarioId: string | undefined; initialText: string; readOnly: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const dark = useComputedColorScheme('dark') === 'dark';
  const editor = useRef<YamlEditorHandle>(null);
  const [version, setVersion] = useState(0);
  const [hasText, setHasText] = useState(initialText.trim() !== '');
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saveProblems, setSaveProblems] = useState<Problem[] | null>(null);
  const [busy, setBusy] = useState(false);
  const text = useCallback(() => editor.current?.text() ?? initialText, [initialText]);
  const check = useScenarioCheck(text, version, true);

  const onChange = useCallback(() => {
    setVersion((v) => v + 1);
    setHasText((editor.current?.text() ?? '').trim() !== '');
    setSaveProblems(null);
    setSaveError(null);
  }, []);
  const jumpTo = useCallback((line: number) => editor.current?.jumpTo(line), []);

  const fresh = check.resultVersion === version;
  const problems = check.result?.problems ?? NONE;
  const warnings = check.result?.warnings ?? NONE;
  const listed: Problem[] = useMemo(() => saveProblems ?? [...problems, ...warnings.map((w) => ({ ...w, warning: true }))], [saveProblems, problems, warnings]);

  async function save() {
    setBusy(true);
    setSaveError(null);
    try {
      const result = await check.checkNow();
      if (!result?.valid) return;
      const source = editor.current?.text() ?? '';
      const summary = scenarioId
        ? await api.put<ScenarioSummary>(`/scenarios/${scenarioId}`, { source })
        : await api.post<ScenarioSummary>('/scenarios', { source });
      notifications.show({ color: 'teal', message: t('scenarios.saved', { id: summary.scenarioId, version: summary.version }) });
      void navigate(`/scenarios/${summary.scenarioId}`);
    } catch (e) {
      if (e instanceof ApiError && e.details.length) setSaveProblems(e.details.map((d) => ({ ...d })));
      setSaveError(e);
    } finally {
      setBusy(false);
    }
  }

  let status: string | null = null;
  if (check.checking || (!fresh && hasText)) status = t('authoring.checking');
  else if (check.result?.valid)
    status = `${t('scenarios.valid', { count: check.result.eventCount ?? 0 })}${check.roundTripMs === null ? '' : ` · ${t('authoring.checkedIn', { ms: check.roundTripMs })}`}`;

  return (
    <div className="authoring" data-testid="scenario-authoring">
      <Group justify="space-between" mb={6} wrap="nowrap" gap="xs">
        <Group gap="sm" wrap="nowrap" miw={0}>
          <Title order={1} fz="h4" style={{ whiteSpace: 'nowrap' }}>
            {t('scenarios.editor')}
            {scenarioId ? ` · ${scenarioId}` : ''}
          </Title>
          {status && (
            <Text
              fz="xs"
              c={check.result?.valid && fresh ? 'teal' : 'dimmed'}
              data-testid={check.result?.valid && fresh ? 'scenario-valid' : 'scenario-check-status'}
              truncate
            >
              {status}
            </Text>
          )}
        </Group>
        <Group gap="xs" wrap="nowrap">
          <FileButton
            onChange={(file) => file && void file.text().then((content) => editor.current?.setText(content))}
            accept=".yaml,.yml,.json,text/yaml,application/json"
          >
            {(props) => (
              <Button size="xs" variant="default" {...props} disabled={readOnly}>
                {t('scenarios.upload')}
              </Button>
            )}
          </FileButton>
          <Button size="xs" variant="light" onClick={() => void check.checkNow()} disabled={!hasText} data-testid="scenario-validate">
            {t('scenarios.validate')}
          </Button>
          <Button size="xs" onClick={() => void save()} loading={busy} disabled={!hasText || readOnly} data-testid="scenario-save">
            {scenarioId ? t('scenarios.saveVersion') : t('scenarios.saveNew')}
          </Button>
        </Group>
      </Group>
      {readOnly && (
        <Alert color="gray" p={6} mb={6} data-testid="scenario-read-only">
          <Text fz="sm">{t('scenarios.readOnly')}</Text>
        </Alert>
      )}
      <div className="authoring-grid">
        <div className="authoring-editor">
          <Text fz="xs" c="dimmed" lineClamp={1} title={t('authoring.help')}>
            {t('authoring.help')}
          </Text>
          <div className="authoring-editor-frame">
            <YamlEditor
              ref={editor}
              initialText={initialText}
              readOnly={readOnly}
              dark={dark}
              problems={problems}
              warnings={warnings}
              label={t('scenarios.editorLabel')}
              onChange={onChange}
            />
          </div>
          {check.error !== null && <ErrorText error={check.error} />}
          {saveError !== null && <ErrorText error={saveError} />}
          {listed.length > 0 && (
            <Paper withBorder p={6} className="authoring-problems">
              <Text fw={700} fz="xs" mb={2}>
                {t('scenarios.problems')} ({listed.length})
              </Text>
              <Table fz="xs" verticalSpacing={2} highlightOnHover data-testid="scenario-problems">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('scenarios.line')}</Table.Th>
                    <Table.Th>{t('scenarios.field')}</Table.Th>
                    <Table.Th>{t('scenarios.message')}</Table.Th>
                    <Table.Th>Code</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {listed.map((p, i) => (
                    <Table.Tr
                      key={i}
                      onClick={() => p.line && jumpTo(p.line)}
                      style={{ cursor: p.line ? 'pointer' : undefined }}
                      c={p.warning ? 'yellow' : undefined}
                      data-line={p.line}
                      data-testid={p.warning ? 'scenario-warning' : 'scenario-problem'}
                    >
                      <Table.Td ff="monospace">
                        {p.line ?? ''}
                        {p.column ? `:${p.column}` : ''}
                      </Table.Td>
                      <Table.Td ff="monospace">{p.path}</Table.Td>
                      <Table.Td>{p.code === 'SCENARIO_MISSING_BRIEFING' ? t('scenarios.missingBriefing') : p.message}</Table.Td>
                      <Table.Td ff="monospace">{p.code ?? ''}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>
          )}
        </div>
        <ScenarioTimelinePanel timeline={check.timeline} stale={check.timelineStale} onJump={jumpTo} />
      </div>
    </div>
  );
}
