import { Button, Group, Select, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TLP_LEVELS, type Tlp } from '@contracts/export.schema.js';
import { currentLang } from '../i18n/i18n.js';
import { downloadFile } from '../reviewer/results-files.js';
import { describeError } from './error-text.js';

/** Downloads one export, telling the user when it is saved or why it was refused. */
function useDownload() {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<string | null>(null);
  const run = async (key: string, path: string, filename: string) => {
    setBusy(key);
    try {
      await downloadFile(path, filename);
      notifications.show({ color: 'teal', message: t('exports.done', { file: filename }) });
    } catch (error) {
      notifications.show({ color: 'red', message: describeError(t, error) });
    } finally {
      setBusy(null);
    }
  };
  return { busy, run };
}

/**
 * "Xuất STIX 2.1" with a TLP choice (AMBER by default). `path` is the export route without its query
 * (…/export/stix); `query` adds the team or incident.
 */
export function StixExportButton({
  path,
  query = {},
  filename,
  label,
  hint,
  testId,
}: {
  path: string;
  query?: Record<string, string>;
  filename: string;
  label: string;
  hint: string;
  testId: string;
}) {
  const { t } = useTranslation();
  const [tlp, setTlp] = useState<Tlp>('amber');
  const { busy, run } = useDownload();
  const params = new URLSearchParams({ ...query, tlp, lang: currentLang() });
  return (
    <Group gap={6} wrap="nowrap">
      <Select
        aria-label={t('exports.tlp')}
        size="xs"
        w={140}
        data={TLP_LEVELS.map((level) => ({ value: level, label: `TLP:${level.toUpperCase()}` }))}
        value={tlp}
        allowDeselect={false}
        onChange={(value) => value && setTlp(value as Tlp)}
        data-testid={`${testId}-tlp`}
      />
      <Tooltip label={hint} multiline w={320} openDelay={400}>
        <Button
          size="xs"
          variant="light"
          loading={busy === 'stix'}
          onClick={() => void run('stix', `${path}?${params.toString()}`, filename)}
          data-testid={testId}
        >
          {label}
        </Button>
      </Tooltip>
    </Group>
  );
}

/** "Xuất OCSF" and "Xuất ECS (NDJSON)": a team's alert queue with its verdicts, for a province's SIEM. */
export function AlertQueueExportButtons({ exerciseId, teamId }: { exerciseId: string; teamId?: string }) {
  const { t } = useTranslation();
  const { busy, run } = useDownload();
  const params = new URLSearchParams({ ...(teamId ? { teamId } : {}), lang: currentLang() }).toString();
  const base = `/exercises/${exerciseId}/export`;
  const stem = `soc-drill-${exerciseId.slice(0, 8)}${teamId ? `-${teamId.slice(0, 8)}` : ''}-alerts`;
  return (
    <Tooltip label={t('exports.queueHint')} multiline w={320} openDelay={400}>
      <Group gap={6} wrap="nowrap">
        <Button
          size="xs"
          variant="default"
          loading={busy === 'ocsf'}
          onClick={() => void run('ocsf', `${base}/ocsf?${params}`, `${stem}.ocsf.json`)}
          data-testid="export-ocsf"
        >
          {t('exports.ocsf')}
        </Button>
        <Button
          size="xs"
          variant="default"
          loading={busy === 'ecs'}
          onClick={() => void run('ecs', `${base}/ecs?${params}`, `${stem}.ecs.ndjson`)}
          data-testid="export-ecs"
        >
          {t('exports.ecs')}
        </Button>
      </Group>
    </Tooltip>
  );
}
