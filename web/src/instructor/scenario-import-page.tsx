import { Alert, Badge, Button, FileInput, Grid, Group, Paper, Select, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { IMPORT_FORMAT_NAMES, type ImportPreview, type ImportRequest } from '@contracts/import-api.schema.js';
import type { ScenarioSummary } from '@contracts/scenario-api.schema.js';
import { api } from '../api/api-client.js';
import { queries } from '../api/queries.js';
import { AppLayout } from '../components/app-layout.js';
import { ErrorText } from '../components/error-text.js';

const FORMAT_LABELS: Record<(typeof IMPORT_FORMAT_NAMES)[number], string> = {
  'suricata-eve': 'Suricata EVE (JSON)',
  wazuh: 'Wazuh (alerts.json)',
  ecs: 'Elastic ECS (NDJSON)',
  zeek: 'Zeek (JSON / TSV)',
  sysmon: 'Sysmon / Windows (JSON lines)',
};

/** The next minor version above the latest one: a new version of an existing scenario must be higher. */
function nextVersion(version: string): string {
  const [major, minor] = version.split('.').map(Number);
  return `${major ?? 1}.${(minor ?? 0) + 1}.0`;
}

/**
 * Upload → preview → save: the instructor's door to `POST /api/scenarios/import`. The draft is
 * saved through the ordinary upload routes (POST for a new scenario, PUT for a new version).
 */
export function ScenarioImportPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const library = useQuery(queries.scenarios());
  const own = (library.data ?? []).filter((s) => s.library === 'own');
  const [format, setFormat] = useState<ImportRequest['format']>('suricata-eve');
  const [files, setFiles] = useState<File[]>([]);
  const [mapping, setMapping] = useState('');
  const [fit, setFit] = useState('2h');
  const [scenarioId, setScenarioId] = useState('');
  const [versionOf, setVersionOf] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function runPreview() {
    setBusy(true);
    setError(null);
    setPreview(null);
    try {
      const target = own.find((s) => s.scenarioId === versionOf);
      const request: ImportRequest = {
        format,
        files: await Promise.all(files.map(async (file) => ({ name: file.name, content: await file.text() }))),
        ...(mapping.trim() === '' ? {} : { mapping }),
        ...(fit.trim() === '' ? {} : { fit: fit.trim() }),
        ...(target
          ? { scenarioId: target.scenarioId, version: nextVersion(target.version) }
          : scenarioId.trim() === ''
            ? {}
            : { scenarioId: scenarioId.trim() }),
      };
      setPreview(await api.post<ImportPreview>('/scenarios/import', request));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function save() {
    if (!preview) return;
    setBusy(true);
    setError(null);
    try {
      const summary = versionOf
        ? await api.put<ScenarioSummary>(`/scenarios/${versionOf}`, { source: preview.draft })
        : await api.post<ScenarioSummary>('/scenarios', { source: preview.draft });
      notifications.show({ color: 'teal', message: t('importer.saved', { id: summary.scenarioId, version: summary.version }) });
      void navigate(`/scenarios/${summary.scenarioId}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const summary = preview?.summary;
  return (
    <AppLayout>
      <Stack gap="sm" maw={1300} mx="auto">
        <Title order={1} fz="h3">
          {t('importer.title')}
        </Title>
        <Text fz="sm" c="dimmed">
          {t('importer.intro')}
        </Text>
        <Paper withBorder p="sm">
          <Grid>
            <Grid.Col span={{ base: 12, md: 4 }}>
              <Select
                label={t('importer.format')}
                data={IMPORT_FORMAT_NAMES.map((value) => ({ value, label: FORMAT_LABELS[value] }))}
                value={format}
                onChange={(value) => value && setFormat(value as ImportRequest['format'])}
                allowDeselect={false}
                data-testid="import-format"
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 8 }}>
              <FileInput
                label={t('importer.files')}
                placeholder={t('importer.filesPlaceholder')}
                multiple
                value={files}
                onChange={setFiles}
                accept=".json,.jsonl,.ndjson,.log,.tsv,.txt"
                clearable
                data-testid="import-files"
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 4 }}>
              <TextInput
                label={t('importer.fit')}
                description={t('importer.fitHint')}
                value={fit}
                onChange={(e) => setFit(e.currentTarget.value)}
                data-testid="import-fit"
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 4 }}>
              <Select
                label={t('importer.versionOf')}
                data={[
                  { value: '', label: t('importer.versionOfNone') },
                  ...own.map((s) => ({ value: s.scenarioId, label: `${s.scenarioId} (${s.version})` })),
                ]}
                value={versionOf ?? ''}
                onChange={(value) => setVersionOf(value === '' || value === null ? null : value)}
                allowDeselect={false}
                data-testid="import-version-of"
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 4 }}>
              <TextInput
                label={t('importer.scenarioId')}
                value={versionOf ?? scenarioId}
                disabled={versionOf !== null}
                onChange={(e) => setScenarioId(e.currentTarget.value)}
                placeholder="imported-…"
                data-testid="import-id"
              />
            </Grid.Col>
            <Grid.Col span={12}>
              <Textarea
                label={t('importer.mapping')}
                description={t('importer.mappingHint')}
                value={mapping}
                onChange={(e) => setMapping(e.currentTarget.value)}
                autosize
                minRows={2}
                maxRows={8}
                styles={{ input: { fontFamily: 'ui-monospace, monospace', fontSize: 12 } }}
                spellCheck={false}
                data-testid="import-mapping"
              />
            </Grid.Col>
          </Grid>
          <Group justify="flex-end" mt="sm">
            <Button variant="light" onClick={() => void runPreview()} loading={busy && !preview} disabled={files.length === 0} data-testid="import-preview">
              {t('importer.preview')}
            </Button>
            <Button onClick={() => void save()} loading={busy && preview !== null} disabled={!preview?.valid} data-testid="import-save">
              {t('importer.save')}
            </Button>
          </Group>
        </Paper>
        <ErrorText error={error} />
        {preview && summary && (
          <Grid>
            <Grid.Col span={{ base: 12, md: 5 }}>
              <Paper withBorder p="sm" data-testid="import-summary">
                <Title order={2} fz="h5" mb="xs">
                  {t('importer.summaryTitle')}
                </Title>
                <Group gap="xs" mb="xs">
                  <Badge variant="light">{`${t('importer.read')}: ${summary.read}`}</Badge>
                  <Badge variant="light" color="orange">{`${t('importer.alerts')}: ${summary.alerts}`}</Badge>
                  <Badge variant="light" color="blue">{`${t('importer.events')}: ${summary.events}`}</Badge>
                  <Badge variant="light" color="gray">{`${t('importer.skipped')}: ${summary.read - summary.imported - summary.malformedCount}`}</Badge>
                  <Badge variant="light" color={summary.malformedCount > 0 ? 'red' : 'gray'}>{`${t('importer.malformed')}: ${summary.malformedCount}`}</Badge>
                </Group>
                {summary.firstTime && (
                  <Text fz="xs" c="dimmed" mb="xs">
                    {t('importer.span', { first: summary.firstTime, speed: summary.speed, seconds: summary.spanSeconds })}
                  </Text>
                )}
                {summary.warnings.map((w) => (
                  <Alert key={w.code} color="yellow" p="xs" mb="xs" data-testid="import-warning">
                    <Text fz="xs">{`${t(`importer.warnings.${w.code}`)} [${w.code}]`}</Text>
                  </Alert>
                ))}
                {(summary.skipped.length > 0 || summary.malformed.length > 0) && (
                  <Table fz="xs" mb="xs" data-testid="import-skipped">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('importer.reason')}</Table.Th>
                        <Table.Th>{t('importer.count')}</Table.Th>
                        <Table.Th>{t('importer.where')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {summary.skipped.map((s) => (
                        <Table.Tr key={s.reason}>
                          <Table.Td>{s.reason}</Table.Td>
                          <Table.Td>{s.count}</Table.Td>
                          <Table.Td ff="monospace">{`${s.file}:${s.line}`}</Table.Td>
                        </Table.Tr>
                      ))}
                      {summary.malformed.map((m) => (
                        <Table.Tr key={`${m.file}:${m.line}`}>
                          <Table.Td c="red">{m.reason}</Table.Td>
                          <Table.Td>1</Table.Td>
                          <Table.Td ff="monospace">{`${m.file}:${m.line}`}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                )}
                <Text fw={700} fz="sm">{`${t('importer.remapped')} (${summary.remapped.length})`}</Text>
                <Paper mah={260} style={{ overflow: 'auto' }}>
                  <Table fz="xs" striped data-testid="import-remapped">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('importer.kind')}</Table.Th>
                        <Table.Th>{t('importer.from')}</Table.Th>
                        <Table.Th>{t('importer.to')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {summary.remapped.map((r) => (
                        <Table.Tr key={`${r.kind}:${r.from}`}>
                          <Table.Td>{t(`importer.kinds.${r.kind}`)}</Table.Td>
                          <Table.Td ff="monospace">{r.from}</Table.Td>
                          <Table.Td ff="monospace">{`${r.to}${r.asset ? ` (${r.asset})` : ''}`}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Paper>
              </Paper>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 7 }}>
              <Stack gap="xs">
                {preview.valid ? (
                  <Alert color="teal" data-testid="import-valid">
                    {t('importer.valid')}
                  </Alert>
                ) : (
                  <Alert color="red" title={t('importer.invalid')} data-testid="import-invalid">
                    {preview.problems.slice(0, 20).map((p, i) => (
                      <Text key={i} fz="xs">{`${p.line}:${p.column} ${p.path} ${p.message} [${p.code}]`}</Text>
                    ))}
                  </Alert>
                )}
                <Textarea
                  label={t('importer.draft')}
                  value={preview.draft}
                  readOnly
                  autosize={false}
                  styles={{ input: { fontFamily: 'ui-monospace, monospace', fontSize: 12, height: 480 } }}
                  spellCheck={false}
                  data-testid="import-draft"
                />
              </Stack>
            </Grid.Col>
          </Grid>
        )}
      </Stack>
    </AppLayout>
  );
}
