import { Badge, Button, CloseButton, Group, Modal, Paper, SegmentedControl, Select, Stack, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
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
import { useConsole } from './console-context.js';
import {
  GROUP_BYS,
  groupKeys,
  groupRows,
  loadSavedFilters,
  matchesSearch,
  storeSavedFilters,
  type AlertGroup,
  type GroupBy,
  type SavedQueueFilter,
} from './queue-groups.js';
import type { BulkAct } from './use-triage.js';

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
  bulkAct,
}: {
  /** Sends a group's actions in one request (one recorded action per alert). */
  bulkAct: BulkAct;
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
  const { userId, ended, triageError } = useConsole();
  const [search, setSearch] = useState('');
  const [groupBy, setGroupBy] = useState<GroupBy>('none');
  const [group, setGroup] = useState<string | null>(null);
  const [saved, setSaved] = useState<SavedQueueFilter[]>(() => loadSavedFilters(userId));
  const [closing, setClosing] = useState<AlertGroup | null>(null);
  const searched = useMemo(() => rows.filter((r) => matchesSearch(r, search)), [rows, search]);
  const groups = useMemo(() => groupRows(searched, groupBy), [searched, groupBy]);
  const activeGroup = group === null ? null : (groups.find((g) => g.key === group) ?? null);
  const shownRows = useMemo(
    () => (group === null || groupBy === 'none' ? searched : searched.filter((r) => groupKeys(r, groupBy).some((k) => k.key === group))),
    [searched, group, groupBy],
  );
  const groupName = (g: AlertGroup) => (groupBy === 'source' ? t(`sensor.${g.label}`, { defaultValue: g.label }) : g.label);
  const saveFilter = (name: string) => {
    const entry: SavedQueueFilter = {
      name,
      search,
      groupBy,
      group,
      columns: filters.map((f) => ({ id: f.id, value: f.value as string | number })),
    };
    const next = [...saved.filter((f) => f.name !== name), entry];
    setSaved(next);
    storeSavedFilters(userId, next);
  };
  const applySaved = (name: string | null) => {
    const entry = saved.find((f) => f.name === name);
    if (!entry) return;
    setSearch(entry.search);
    setGroupBy(entry.groupBy);
    setGroup(entry.group);
    setFilters(entry.columns.map((c) => ({ id: c.id, value: c.value })));
  };
  const deleteSaved = (name: string) => {
    const next = saved.filter((f) => f.name !== name);
    setSaved(next);
    storeSavedFilters(userId, next);
  };
  const [savedName, setSavedName] = useState<string | null>(null);
  const [newName, setNewName] = useState('');

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
    data: shownRows,
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
      <Group gap={6} mb={6} wrap="nowrap">
        <TextInput
          size="xs"
          style={{ flex: 1 }}
          aria-label={t('queueTools.search')}
          placeholder={`${t('queueTools.search')}: ${t('queueTools.searchHint')}`}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          rightSection={search ? <CloseButton size="xs" aria-label={t('queueTools.clearSearch')} onClick={() => setSearch('')} /> : null}
          data-testid="queue-search"
        />
        <SegmentedControl
          size="xs"
          aria-label={t('queueTools.groupBy')}
          data={GROUP_BYS.map((g) => ({ value: g, label: t(`queueTools.groups.${g}`) }))}
          value={groupBy}
          onChange={(v) => {
            setGroupBy(v as GroupBy);
            setGroup(null);
          }}
          data-testid="queue-group-by"
        />
      </Group>
      <Group gap={6} mb={6} wrap="nowrap">
        <Select
          size="xs"
          w={170}
          aria-label={t('queueTools.saved')}
          placeholder={t('queueTools.saved')}
          clearable
          data={saved.map((f) => f.name)}
          value={savedName}
          onChange={(v) => {
            setSavedName(v);
            applySaved(v);
          }}
          data-testid="queue-saved"
        />
        {savedName !== null && (
          <CloseButton
            size="sm"
            aria-label={t('queueTools.deleteSaved')}
            title={t('queueTools.deleteSaved')}
            onClick={() => {
              deleteSaved(savedName);
              setSavedName(null);
            }}
          />
        )}
        <TextInput
          size="xs"
          w={150}
          aria-label={t('queueTools.saveName')}
          placeholder={t('queueTools.saveName')}
          value={newName}
          onChange={(e) => setNewName(e.currentTarget.value)}
          data-testid="queue-save-name"
        />
        <Button
          size="xs"
          variant="default"
          disabled={!newName.trim()}
          onClick={() => {
            saveFilter(newName.trim());
            setSavedName(newName.trim());
            setNewName('');
          }}
          data-testid="queue-save"
        >
          {t('queueTools.save')}
        </Button>
        {activeGroup && (
          <Group gap={4} wrap="nowrap" style={{ marginLeft: 'auto', minWidth: 0 }}>
            <Badge variant="light" style={{ maxWidth: 220 }} data-testid="queue-active-group">
              {t('queueTools.showing', { name: groupName(activeGroup) })}
            </Badge>
            <Button size="xs" variant="subtle" onClick={() => setGroup(null)}>
              {t('queueTools.clearGroup')}
            </Button>
            <Button
              size="xs"
              color="teal"
              disabled={ended || Boolean(triageError) || activeGroup.open === 0}
              onClick={() => setClosing(activeGroup)}
              data-testid="queue-close-group"
            >
              {t('queueTools.closeGroup')} ({activeGroup.open})
            </Button>
          </Group>
        )}
      </Group>
      {groupBy !== 'none' && group === null ? (
        <div className="scroll-pane" style={{ flex: 1 }}>
          <Table stickyHeader highlightOnHover verticalSpacing={4} horizontalSpacing={6} fz="sm" data-testid="queue-groups">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('queueTools.groupCol')}</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>{t('queueTools.count')}</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>{t('queueTools.open')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {groups.map((g) => (
                <Table.Tr key={g.key} data-testid="queue-group" data-group-key={g.key}>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    <UnstyledButton onClick={() => setGroup(g.key)} fz="sm" fw={600}>
                      {groupName(g)}
                    </UnstyledButton>
                    {g.detail && (
                      <Text component="span" fz="xs" c="dimmed" ml={6}>
                        {g.detail}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td style={{ textAlign: 'right' }} data-testid="queue-group-count">
                    {g.rows.length}
                  </Table.Td>
                  <Table.Td style={{ textAlign: 'right' }}>{g.open}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap', textAlign: 'right' }}>
                    <Button size="compact-xs" variant="light" mr={4} onClick={() => setGroup(g.key)} data-testid="queue-group-show">
                      {t('queueTools.show')}
                    </Button>
                    <Button
                      size="compact-xs"
                      color="teal"
                      disabled={ended || Boolean(triageError) || g.open === 0}
                      onClick={() => setClosing(g)}
                      data-testid="queue-group-close"
                    >
                      {t('queueTools.closeGroup')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {groups.length === 0 && (
            <Text c="dimmed" p="sm">
              {rows.length === 0 ? t('queue.waiting') : t('queue.noMatch')}
            </Text>
          )}
        </div>
      ) : (
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
      )}
      {closing && <CloseGroupModal group={closing} name={groupName(closing)} bulkAct={bulkAct} onClose={() => setClosing(null)} />}
    </Paper>
  );
}

/** Closes every open alert of a group with one verdict and one reason: one recorded action per alert. */
function CloseGroupModal({ group, name, bulkAct, onClose }: { group: AlertGroup; name: string; bulkAct: BulkAct; onClose: () => void }) {
  const { t } = useTranslation();
  const { userId } = useConsole();
  const [verdict, setVerdict] = useState<'false-positive' | 'benign'>('false-positive');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const open = group.rows.filter((r) => r.status !== 'closed');
  // A teammate's alert stays theirs: the server would refuse the whole request for it.
  const closable = open.filter((r) => r.state?.ownerId == null || r.state.ownerId === userId);
  const skipped = open.length - closable.length;
  return (
    <Modal opened onClose={onClose} title={t('queueTools.closeTitle', { count: closable.length, name })} size="lg" data-testid="close-group-modal">
      <Stack gap="sm">
        <Text fz="sm">{t('queueTools.closeExplain', { skipped })}</Text>
        <SegmentedControl
          data={(['false-positive', 'benign'] as const).map((v) => ({ value: v, label: t(`verdict.${v}`) }))}
          value={verdict}
          onChange={(v) => setVerdict(v as 'false-positive' | 'benign')}
          data-testid="close-group-verdict"
        />
        <TextInput
          label={t('verdict.reason')}
          description={t('verdict.reasonHint')}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          data-testid="close-group-reason"
          data-autofocus
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            color="teal"
            loading={busy}
            disabled={reason.trim().length < 3 || closable.length === 0}
            onClick={async () => {
              setBusy(true);
              const acks = await bulkAct(
                closable.map((r) => ({ type: 'alert.verdict' as const, alertId: r.id, verdict, reason: reason.trim() })),
                (count) => t('queueTools.closeDone', { count }),
              );
              setBusy(false);
              if (acks) onClose();
            }}
            data-testid="close-group-submit"
          >
            {t('queueTools.closeSubmit', { count: closable.length })}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
