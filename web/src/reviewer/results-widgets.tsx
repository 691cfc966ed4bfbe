import { Anchor, Badge, Button, Group, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../components/error-text.js';
import { downloadFile, openReview } from './results-files.js';
import { REVIEWER_NS } from './reviewer-i18n.js';

export const COMPONENTS = ['detection', 'response', 'coordination', 'incident'] as const;
export { COMPONENT_COLORS } from '../lib/component-colors.js';
export const SERIES_COLORS = ['#1c7ed6', '#e8590c', '#2f9e44', '#ae3ec9', '#f03e3e', '#0c8599', '#5c940d', '#862e9c', '#495057', '#d6336c'];

/** Red (0) → amber (0.5) → green (1), as in the printed report. */
export function ratioColor(ratio: number | null): string {
  if (ratio === null) return 'transparent';
  const r = Math.max(0, Math.min(1, ratio));
  const stops: Array<[number, [number, number, number]]> = [
    [0, [215, 48, 39]],
    [0.5, [254, 224, 139]],
    [1, [26, 152, 80]],
  ];
  const [a, b] = r <= 0.5 ? [stops[0]!, stops[1]!] : [stops[1]!, stops[2]!];
  const t = (r - a[0]) / (b[0] - a[0]);
  const c = a[1].map((v, i) => Math.round(v + (b[1][i]! - v) * t));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** A figure that opens the team's after-action review (every number of the dashboard is one). */
export function ReviewNumber({ href, children, label }: { href: string; children: ReactNode; label?: string }) {
  const { t } = useTranslation(REVIEWER_NS);
  const { t: tc } = useTranslation();
  return (
    <Tooltip label={label ?? t('review')} openDelay={400}>
      <Anchor
        component="button"
        type="button"
        fz="inherit"
        fw="inherit"
        data-testid="review-link"
        onClick={() => void openReview(href).catch((error: unknown) => notifications.show({ color: 'red', message: describeError(tc, error) }))}
      >
        {children}
      </Anchor>
    </Tooltip>
  );
}

/** Downloads an authenticated file (CSV, PDF) with a busy state and a coded error. */
export function DownloadButton({ path, filename, label, testId }: { path: string; filename: string; label: string; testId: string }) {
  const { t } = useTranslation(REVIEWER_NS);
  const { t: tc } = useTranslation();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      size="xs"
      variant="default"
      loading={busy}
      data-testid={testId}
      onClick={async () => {
        setBusy(true);
        try {
          await downloadFile(path, filename);
        } catch (error) {
          notifications.show({ color: 'red', message: describeError(tc, error) });
        } finally {
          setBusy(false);
        }
      }}
      aria-label={busy ? t('download.busy') : label}
    >
      {label}
    </Button>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  const color = status === 'finished' ? 'teal' : status === 'running' ? 'blue' : status === 'aborted' ? 'red' : 'gray';
  return (
    <Badge variant="light" color={color}>
      {t(`status.${status}`, { defaultValue: status })}
    </Badge>
  );
}

export function Muted({ children }: { children: ReactNode }) {
  return (
    <Text c="dimmed" fz="sm">
      {children}
    </Text>
  );
}

export function Row({ children }: { children: ReactNode }) {
  return (
    <Group gap="xs" wrap="wrap">
      {children}
    </Group>
  );
}

export function fmtIndex(value: number | null | undefined, locale: string): string {
  if (value === null || value === undefined) return '–';
  // Three decimals everywhere (tables, tooltips, printed reports), as DTI-style indices are quoted.
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(value);
}

export function fmtPct(value: number | null | undefined, locale: string): string {
  if (value === null || value === undefined) return '–';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
}

/** A number for a chart axis or tooltip, in the reader's locale ("0,25", "1.000" in Vietnamese). */
export function fmtNumber(value: number | null | undefined, locale: string, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
}

/** A mean time in words: "45 giây", "6,3 phút" / "45 s", "6.3 min". */
export function fmtDuration(ms: number | null, locale: string): string {
  if (ms === null) return '–';
  const vi = locale.startsWith('vi');
  if (ms < 60_000) return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(ms / 1000)} ${vi ? 'giây' : 's'}`;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(ms / 60_000)} ${vi ? 'phút' : 'min'}`;
}
