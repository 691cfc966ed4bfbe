import { Badge, Group, Paper, Select, Table, Text, UnstyledButton } from '@mantine/core';
import {
  columnFilteringFeature,
  createColumnHelper,
  createFilteredRowModel,
  createSortedRowModel,
  filterFn_equals,
  functionalUpdate,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  tableFeatures,
  useTable,
  type ColumnFiltersState,
  type SortingState,
} from '@tanstack/react-table';
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useVirtualTime } from '../lib/virtual-time.js';
import type { AlertRow } from './console-model.js';
import { SEVERITIES } from './console-model.js';

const features = tableFeatures({
  rowSortingFeature,
  columnFilteringFeature,
  sortedRowModel: createSortedRowModel(),
  filteredRowModel: createFilteredRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric, basic: sortFn_basic },
  filterFns: { equals: filterFn_equals },
});
const helper = createColumnHelper<typeof features, AlertRow>();

export const SEVERITY_COLOR = { low: 'gray', medium: 'yellow', high: 'orange', critical: 'red' } as const;
const STATUS_COLOR = { new: 'blue', acknowledged: 'grape', closed: 'teal' } as const;

const NEW_MS = 8_000;
const NOWRAP = new Set(['virtualMs', 'severity', 'layer', 'status']);

export function AlertQueue({
  rows,
  selectedId,
  onSelect,
  onVisibleChange,
  height,
  arrivedAt,
  seen,
}: {
  /** Local arrival time of alerts that came in live (not replayed), by alert id. */
  arrivedAt: ReadonlyMap<string, number>;
  /** Alerts this user has opened: every other one is marked unseen, however it arrived (live, after a seek, before joining). */
  seen: ReadonlySet<string>;
  rows: AlertRow[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  onVisibleChange: (ids: string[]) => void;
  height: string;
}) {
  const { t } = useTranslation();
  const time = useVirtualTime();
  const [sorting, setSorting] = useState<SortingState>([{ id: 'virtualMs', desc: true }]);
  const [filters, setFilters] = useState<ColumnFiltersState>([]);

  const columns = useMemo(
    () =>
      helper.columns([
        // Each alert's own time on the drill's clock (after a seek, not the moment of the seek), as its raw log dates it.
        helper.accessor('virtualMs', { header: () => t('queue.colTime'), cell: (c) => time(c.getValue()), sortFn: 'basic' }),
        helper.accessor('severityRank', {
          id: 'severity',
          header: () => t('queue.colSeverity'),
          sortFn: 'basic',
          filterFn: (row, _id, value) => value == null || row.original.severity === value,
          cell: (c) => (
            <Badge size="xs" color={SEVERITY_COLOR[c.row.original.severity]} variant="filled">
              {t(`severity.${c.row.original.severity}`)}
            </Badge>
          ),
        }),
        helper.accessor('title', {
          header: () => t('queue.alert'),
          sortFn: 'alphanumeric',
          cell: (c) => (
            <Text fz="sm" lineClamp={2} fw={seen.has(c.row.original.id) ? undefined : 600}>
              {!seen.has(c.row.original.id) && c.row.original.id !== selectedId && (
                <Badge size="xs" color="yellow" mr={4} variant="filled" component="span" style={{ verticalAlign: 'middle' }} data-testid="unseen-badge">
                  {t('queue.newBadge')}
                </Badge>
              )}
              {c.getValue()}
            </Text>
          ),
        }),
        helper.accessor('layer', {
          header: () => t('layer.label'),
          sortFn: 'basic',
          filterFn: 'equals',
          cell: (c) => <span title={t('layer.short', { n: c.getValue() })}>L{c.getValue()}</span>,
        }),
        helper.accessor('sensor', {
          header: () => t('queue.colSensor'),
          sortFn: 'alphanumeric',
          filterFn: 'equals',
          cell: (c) => t(`sensor.${c.getValue()}`, { defaultValue: c.getValue() }),
        }),
        helper.accessor('status', {
          header: () => t('alertStatus.label'),
          sortFn: 'alphanumeric',
          filterFn: 'equals',
          cell: (c) => (
            <Text fz="xs" fw={700} c={`${STATUS_COLOR[c.getValue()]}.4`}>
              ● {t(`alertStatus.${c.getValue()}`)}
            </Text>
          ),
        }),
        helper.accessor('owner', {
          header: () => t('queue.owner'),
          sortFn: 'alphanumeric',
          filterFn: 'equals',
          cell: (c) => (
            <Text fz="xs" lineClamp={2}>
              {c.getValue()}
            </Text>
          ),
        }),
      ]),
    [t, time, seen, selectedId],
  );

  const table = useTable({
    features,
    columns,
    data: rows,
    getRowId: (row) => row.id,
    state: { sorting, columnFilters: filters },
    onSortingChange: (updater) => setSorting((old) => functionalUpdate(updater, old)),
    onColumnFiltersChange: (updater) => setFilters((old) => functionalUpdate(updater, old)),
  });

  const visible = table.getRowModel().rows;
  const visibleKey = visible.map((r) => r.id).join('|');
  useEffect(() => onVisibleChange(visibleKey ? visibleKey.split('|') : []), [visibleKey, onVisibleChange]);

  const filterValue = (id: string) => (filters.find((f) => f.id === id)?.value as string | number | undefined) ?? null;
  const setFilter = (id: string, value: string | number | null) =>
    setFilters((old) => [...old.filter((f) => f.id !== id), ...(value === null || value === '' ? [] : [{ id, value }])]);

  const uniq = (key: 'sensor' | 'owner') => [...new Set(rows.map((r) => r[key]))].sort();
  const open = rows.filter((r) => r.status !== 'closed').length;
  const now = Date.now();
  const fresh = rows.filter((r) => !seen.has(r.id)).length;

  function onRowKey(event: KeyboardEvent, id: string) {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(id);
    }
  }

  return (
    <Paper withBorder p="xs" h={height} style={{ display: 'flex', flexDirection: 'column' }} aria-labelledby="queue-title">
      <Group justify="space-between" mb={4} wrap="nowrap">
        <Text fw={700} id="queue-title" component="h2" fz="md" m={0}>
          {t('queue.title')}
        </Text>
        <Text fz="xs" c="dimmed" data-testid="queue-counts" aria-live="polite">
          {t('queue.counts', { shown: visible.length, total: rows.length, open, fresh })}
        </Text>
      </Group>
      <Group gap={6} mb={6} wrap="nowrap" aria-label={t('queue.filters')} role="group">
        <Select
          size="xs"
          aria-label={t('severity.label')}
          placeholder={t('severity.label')}
          clearable
          data={SEVERITIES.map((s) => ({ value: s, label: t(`severity.${s}`) }))}
          value={(filterValue('severity') as string | null) ?? null}
          onChange={(v) => setFilter('severity', v)}
          data-testid="filter-severity"
        />
        <Select
          size="xs"
          aria-label={t('layer.label')}
          placeholder={t('layer.label')}
          clearable
          data={[1, 2, 3, 4].map((n) => ({ value: String(n), label: t('layer.short', { n }) }))}
          value={filterValue('layer') === null ? null : String(filterValue('layer'))}
          onChange={(v) => setFilter('layer', v === null ? null : Number(v))}
          data-testid="filter-layer"
        />
        <Select
          size="xs"
          aria-label={t('sensor.label')}
          placeholder={t('sensor.label')}
          clearable
          data={uniq('sensor').map((s) => ({ value: s, label: t(`sensor.${s}`, { defaultValue: s }) }))}
          value={(filterValue('sensor') as string | null) ?? null}
          onChange={(v) => setFilter('sensor', v)}
        />
        <Select
          size="xs"
          aria-label={t('alertStatus.label')}
          placeholder={t('alertStatus.label')}
          clearable
          data={(['new', 'acknowledged', 'closed'] as const).map((s) => ({ value: s, label: t(`alertStatus.${s}`) }))}
          value={(filterValue('status') as string | null) ?? null}
          onChange={(v) => setFilter('status', v)}
          data-testid="filter-status"
        />
        <Select
          size="xs"
          aria-label={t('queue.owner')}
          placeholder={t('queue.owner')}
          clearable
          data={uniq('owner')}
          value={(filterValue('owner') as string | null) ?? null}
          onChange={(v) => setFilter('owner', v)}
        />
      </Group>
      <div className="scroll-pane" style={{ flex: 1 }}>
        <Table stickyHeader highlightOnHover verticalSpacing={4} horizontalSpacing={6} fz="sm" data-testid="alert-queue" aria-labelledby="queue-title">
          <Table.Thead>
            {table.getHeaderGroups().map((group) => (
              <Table.Tr key={group.id}>
                {group.headers.map((header) => {
                  const dir = header.column.getIsSorted();
                  return (
                    <Table.Th key={header.id} aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}>
                      <UnstyledButton onClick={header.column.getToggleSortingHandler()} fz="xs" fw={700}>
                        <table.FlexRender header={header} /> {dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : ''}
                      </UnstyledButton>
                    </Table.Th>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Thead>
          <Table.Tbody>
            {visible.map((row) => {
              const isNew = !row.original.event.catchUp && now - (arrivedAt.get(row.id) ?? 0) < NEW_MS;
              const selected = row.id === selectedId;
              const unseen = !seen.has(row.id) && !selected;
              return (
                <Table.Tr
                  key={row.id}
                  className={`alert-row${isNew ? ' alert-row-new' : ''}${selected ? ' alert-row-selected' : ''}`}
                  onClick={() => onSelect(row.id)}
                  onKeyDown={(e) => onRowKey(e, row.id)}
                  tabIndex={0}
                  aria-selected={selected}
                  data-testid="alert-row"
                  data-alert-id={row.id}
                  data-status={row.original.status}
                  data-unseen={unseen}
                >
                  {row.getAllCells().map((cell) => (
                    <Table.Td key={cell.id} style={NOWRAP.has(cell.column.id) ? { whiteSpace: 'nowrap' } : { overflowWrap: 'anywhere' }}>
                      <table.FlexRender cell={cell} />
                    </Table.Td>
                  ))}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        {rows.length === 0 && (
          <Text c="dimmed" p="sm">
            {t('queue.waiting')}
          </Text>
        )}
        {rows.length > 0 && visible.length === 0 && (
          <Text c="dimmed" p="sm">
            {t('queue.noMatch')}
          </Text>
        )}
      </div>
    </Paper>
  );
}
