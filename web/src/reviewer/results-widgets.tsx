import { Anchor, Badge, Button, Group, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../components/error-text.js';
import { downloadFile, openReview } from './results-files.js';
import { REVIEWER_NS } from './reviewer-i18n.js';

export const COMPONENTS = ['detection', 'response', 'coordination', 'incident'] as const;
export const COMPONENT_COLORS = { detection: '#4dabf7', response: '#51cf66', coordination: '#ff922b', incident: '#cc5de8' } as const;
export const SERIES_COLORS = ['#4dabf7', '#ff922b', '#51cf66', '#cc5de8', '#ff6b6b', '#22b8cf', '#94d82d', '#f06595', '#adb5bd', '#fcc419'];

/** Red (0) → amber (0.5) → green (1), as in the printed report. */
export function ratioColor(ratio: number | null): string {
  if (ratio === null) return 'transparent';
  const r = Math.max(0, Math.min(1, ratio));
  const stops: Array<[number, [number, number, number]]> = [[0, [215, 48, 39]], [0.5, [254, 224, 139]], [1, [26, 152, 80]]];
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
        onClick={() =>
          void openReview(href).catch((error: unknown) => notifications.show({ color: 'red', message: describeError(tc, error) }))
        }
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
  return <Badge variant="light" color={color}>{t(`status.${status}`, { defaultValue: status })}</Badge>;
}

export function Muted({ children }: { children: ReactNode }) {
  return <Text c="dimmed" fz="sm">{children}</Text>;
}

export function Row({ children }: { children: ReactNode }) {
  return <Group gap="xs" wrap="wrap">{children}</Group>;
}

export function fmtIndex(value: number | null | undefined, locale: string): string {
  if (value === null || value === undefined) return '–';
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 4 }).format(value);
}

export function fmtPct(value: number | null | undefined, locale: string): string {
  if (value === null || value === undefined) return '–';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
}

export function fmtDuration(ms: number | null, locale: string): string {
  if (ms === null) return '–';
  if (ms < 60_000) return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(ms / 1000)} s`;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(ms / 60_000)} min`;
}
