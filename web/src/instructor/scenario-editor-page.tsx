import { Alert, Button, FileButton, Group, Paper, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type { ScenarioProblemDto, ScenarioSummary, ScenarioValidationResult } from '@contracts/scenario-api.schema.js';
import { api, ApiError } from '../api/api-client.js';
import { useQuery } from '@tanstack/react-query';
import { queries } from '../api/queries.js';
import { AppLayout } from '../components/app-layout.js';
import { ErrorText } from '../components/error-text.js';

type Problem = Pick<ScenarioProblemDto, 'path' | 'message'> & { line?: number; column?: number; code?: string };

export function ScenarioEditorPage() {
  const { scenarioId, versionId } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const existing = useQuery({ ...queries.scenarioVersion(scenarioId ?? '', versionId ?? ''), enabled: scenarioId !== undefined && versionId !== undefined });
  const [source, setSource] = useState('');
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [validMessage, setValidMessage] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  // A shared scenario is read-only: it can be copied to the organisation, not versioned.
  const readOnly = existing.data?.library === 'shared';

  useEffect(() => {
    if (existing.data) setSource(existing.data.source);
  }, [existing.data]);

  async function validate(): Promise<boolean> {
    setError(null);
    setValidMessage(null);
    try {
      const result = await api.post<ScenarioValidationResult>('/scenarios/validate', { source });
      setProblems(result.problems);
      setWarnings(result.warnings);
      if (result.valid) setValidMessage(t('scenarios.valid', { count: result.eventCount ?? 0 }));
      return result.valid;
    } catch (e) {
      setError(e);
      return false;
    }
  }

  async function save() {
    setBusy(true);
    try {
      if (!(await validate())) return;
      const summary = scenarioId
        ? await api.put<ScenarioSummary>(`/scenarios/${scenarioId}`, { source })
        : await api.post<ScenarioSummary>('/scenarios', { source });
      notifications.show({ color: 'teal', message: t('scenarios.saved', { id: summary.scenarioId, version: summary.version }) });
      void navigate(`/scenarios/${summary.scenarioId}`);
    } catch (e) {
      if (e instanceof ApiError && e.details.length) setProblems(e.details.map((d) => ({ ...d, path: d.path })));
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  function jumpTo(line?: number) {
    const el = area.current;
    if (!el || !line) return;
    const lines = source.split('\n');
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    el.focus();
    el.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || 18;
    el.scrollTop = Math.max(0, (line - 5) * lineHeight);
  }

  return (
    <AppLayout>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={1} fz="h3">
            {t('scenarios.editor')}
            {scenarioId ? ` · ${scenarioId}` : ''}
          </Title>
          <Group>
            <FileButton onChange={(file) => file && void file.text().then(setSource)} accept=".yaml,.yml,.json,text/yaml,application/json">
              {(props) => (
                <Button variant="default" {...props}>
                  {t('scenarios.upload')}
                </Button>
              )}
            </FileButton>
            <Button variant="light" onClick={() => void validate()} disabled={!source.trim()} data-testid="scenario-validate">
              {t('scenarios.validate')}
            </Button>
            <Button onClick={() => void save()} loading={busy} disabled={!source.trim() || readOnly} data-testid="scenario-save">
              {scenarioId ? t('scenarios.saveVersion') : t('scenarios.saveNew')}
            </Button>
          </Group>
        </Group>
        <ErrorText error={existing.error} />
        {readOnly && (
          <Alert color="gray" data-testid="scenario-read-only">
            {t('scenarios.readOnly')}
          </Alert>
        )}
        <Textarea
          ref={area}
          label={t('scenarios.editorLabel')}
          value={source}
          onChange={(e) => setSource(e.currentTarget.value)}
          autosize={false}
          styles={{
            input: {
              fontFamily: 'ui-monospace, monospace',
              fontSize: 12,
              height: problems?.length ? 'calc(100vh - 420px)' : 'calc(100vh - 220px)',
              minHeight: 200,
            },
          }}
          spellCheck={false}
          data-testid="scenario-source"
        />
        {validMessage && (
          <Alert color="teal" data-testid="scenario-valid">
            {validMessage}
          </Alert>
        )}
        {warnings.length > 0 && (
          <Alert color="yellow" data-testid="scenario-warnings">
            {warnings.map((w, i) => (
              <Text key={i} fz="sm">
                {w.code === 'SCENARIO_MISSING_BRIEFING' ? t('scenarios.missingBriefing') : `${w.path} ${w.message}`} [{w.code}]
              </Text>
            ))}
          </Alert>
        )}
        {error !== null && <ErrorText error={error} />}
        {problems && problems.length > 0 && (
          <Paper withBorder p="xs" mah={200} style={{ overflow: 'auto' }}>
            <Text fw={700} fz="sm" mb={4}>
              {t('scenarios.problems')} ({problems.length})
            </Text>
            <Table fz="xs" highlightOnHover data-testid="scenario-problems">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('scenarios.line')}</Table.Th>
                  <Table.Th>{t('scenarios.field')}</Table.Th>
                  <Table.Th>{t('scenarios.message')}</Table.Th>
                  <Table.Th>Code</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {problems.map((p, i) => (
                  <Table.Tr key={i} onClick={() => jumpTo(p.line)} style={{ cursor: p.line ? 'pointer' : undefined }}>
                    <Table.Td ff="monospace">
                      {p.line ?? ''}
                      {p.column ? `:${p.column}` : ''}
                    </Table.Td>
                    <Table.Td ff="monospace">{p.path}</Table.Td>
                    <Table.Td>{p.message}</Table.Td>
                    <Table.Td ff="monospace">{p.code ?? ''}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
      </Stack>
    </AppLayout>
  );
}
