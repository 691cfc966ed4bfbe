import {
  ActionIcon,
  Alert,
  Badge,
  Box,
  Button,
  Code,
  Group,
  MultiSelect,
  Paper,
  ScrollArea,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlertContextResult, LogPivotResult, LogSearchResult, SavedLogQuery } from '@contracts/log-search.schema.js';
import type { RawEventView } from '@contracts/raw-event.schema.js';
import { api, ApiError } from '../api/api-client.js';
import { ErrorText } from '../components/error-text.js';
import { formatNumber, parseTimeInput, pick } from '../lib/format.js';
import { useVirtualTime } from '../lib/virtual-time.js';

/** What the console asks the log search to show: a query, a pivot on an indicator, or an alert's host around its time. */
export type LogRequest =
  | { readonly kind: 'search'; readonly query: string; readonly fromMs?: number; readonly toMs?: number }
  | { readonly kind: 'pivot'; readonly type: string; readonly value: string }
  | { readonly kind: 'around'; readonly alertRef: string };

const DEFAULT_COLUMNS = ['source.ip', 'destination.ip', 'url.original', 'user.name', 'event.action'];
const PAGE = 100;

interface Answer {
  readonly result: LogSearchResult;
  readonly query: string;
  readonly pivot?: LogPivotResult;
  readonly around?: AlertContextResult;
}

function teamParam(teamId: string | undefined): string {
  return teamId === undefined ? '' : `&teamId=${encodeURIComponent(teamId)}`;
}

/**
 * Tra cứu nhật ký: a team's raw logs, searched with a Lucene/KQL-style query over a range of the
 * drill's clock, with a histogram, chosen columns, the raw line, saved searches and pivots. The
 * server applies the team's gates (nothing after its present, nothing off its branch).
 */
export function LogSearchPanel({
  exerciseId,
  teamId,
  request,
  onOpenAlert,
}: {
  exerciseId: string;
  /** Staff choose a team; trainees leave it out (their own team). */
  teamId?: string;
  request: (LogRequest & { readonly seq: number }) | null;
  onOpenAlert?: (ref: string) => void;
}) {
  const { t } = useTranslation();
  const clock = useVirtualTime();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [fromText, setFromText] = useState('');
  const [toText, setToText] = useState('');
  const [columns, setColumns] = useState<string[]>(DEFAULT_COLUMNS);
  const [offset, setOffset] = useState(0);
  const [current, setCurrent] = useState<(LogRequest & { readonly seq: number }) | null>(null);
  const [expanded, setExpanded] = useState<string | null>(null);
  const [saveName, setSaveName] = useState('');

  useEffect(() => {
    if (request === null) return;
    setOffset(0);
    setCurrent(request);
    if (request.kind === 'search') {
      setText(request.query);
      setFromText(request.fromMs === undefined ? '' : clockInput(request.fromMs));
      setToText(request.toMs === undefined ? '' : clockInput(request.toMs));
    }
  }, [request]);

  const answer = useQuery({
    queryKey: ['exercise', exerciseId, 'logs', teamId ?? 'own', current, offset],
    enabled: current !== null,
    retry: false,
    queryFn: async (): Promise<Answer> => {
      const c = current!;
      if (c.kind === 'pivot') {
        const pivot = await api.get<LogPivotResult>(
          `/exercises/${exerciseId}/logs/pivot?limit=${PAGE}&type=${encodeURIComponent(c.type)}&value=${encodeURIComponent(c.value)}${teamParam(teamId)}`,
        );
        return { result: pivot.events, query: pivot.query, pivot };
      }
      if (c.kind === 'around') {
        const around = await api.get<AlertContextResult>(
          `/exercises/${exerciseId}/logs/around/${encodeURIComponent(c.alertRef)}?limit=${PAGE}${teamParam(teamId)}`,
        );
        return { result: around.events, query: around.query, around };
      }
      const result = await api.post<LogSearchResult>(`/exercises/${exerciseId}/logs/search`, {
        query: c.query,
        ...(c.fromMs === undefined ? {} : { fromMs: c.fromMs }),
        ...(c.toMs === undefined ? {} : { toMs: c.toMs }),
        limit: PAGE,
        offset,
        ...(teamId === undefined ? {} : { teamId }),
      });
      return { result, query: c.query };
    },
  });
  // A pivot or an alert's context shows its search in the box, to refine.
  useEffect(() => {
    if (answer.data && current?.kind !== 'search') setText(answer.data.query);
  }, [answer.data, current?.kind]);

  const saved = useQuery({ queryKey: ['log-queries'], queryFn: () => api.get<SavedLogQuery[]>('/log-queries') });
  const save = useMutation({
    mutationFn: () => api.post<SavedLogQuery>('/log-queries', { name: saveName.trim(), query: text, columns }),
    onSuccess: () => {
      setSaveName('');
      void queryClient.invalidateQueries({ queryKey: ['log-queries'] });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete<void>(`/log-queries/${id}`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['log-queries'] }),
  });

  const [rangeError, setRangeError] = useState<string | null>(null);
  const run = (query = text, from = fromText, to = toText) => {
    const fromMs = from.trim() === '' ? undefined : parseTimeInput(from);
    const toMs = to.trim() === '' ? undefined : parseTimeInput(to);
    if (fromMs === null || toMs === null) {
      setRangeError(t('logs.badTime'));
      return;
    }
    setRangeError(null);
    setOffset(0);
    setCurrent({ kind: 'search', query, ...(fromMs === undefined ? {} : { fromMs }), ...(toMs === undefined ? {} : { toMs }), seq: Date.now() });
  };

  const result = answer.data?.result;
  const error = answer.error instanceof ApiError ? answer.error : answer.error ? new ApiError(0, 'INTERNAL_ERROR', String(answer.error)) : null;
  const column = error?.code === 'LOG_QUERY_INVALID' ? error.details[0]?.column : undefined;
  const fieldOptions = useMemo(() => [...new Set([...columns, ...(result?.fields ?? [])])].sort(), [columns, result?.fields]);

  return (
    <Stack gap={6} data-testid="log-search">
      <Group gap={6} align="flex-end" wrap="nowrap">
        <TextInput
          style={{ flex: 1 }}
          label={t('logs.query')}
          placeholder={t('logs.placeholder')}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') run();
          }}
          ff="monospace"
          data-testid="log-query"
          error={column !== undefined ? t('logs.syntaxAt', { column }) : undefined}
        />
        <TextInput
          w={110}
          label={t('logs.from')}
          placeholder="0:00"
          value={fromText}
          onChange={(e) => setFromText(e.currentTarget.value)}
          data-testid="log-from"
        />
        <TextInput
          w={110}
          label={t('logs.to')}
          placeholder={t('logs.now')}
          value={toText}
          onChange={(e) => setToText(e.currentTarget.value)}
          data-testid="log-to"
        />
        <Button onClick={() => run()} data-testid="log-run">
          {t('logs.search')}
        </Button>
      </Group>
      {rangeError && (
        <Text c="red" fz="xs">
          {rangeError}
        </Text>
      )}
      <Text fz="xs" c="dimmed">
        {t('logs.help')}
      </Text>
      <Group gap={6} wrap="wrap">
        <MultiSelect
          size="xs"
          w={480}
          label={t('logs.columns')}
          data={fieldOptions}
          value={columns}
          onChange={setColumns}
          searchable
          data-testid="log-columns"
        />
        <TextInput size="xs" w={180} label={t('logs.saveAs')} value={saveName} onChange={(e) => setSaveName(e.currentTarget.value)} />
        <Button size="xs" variant="default" disabled={saveName.trim() === '' || save.isPending} onClick={() => save.mutate()} data-testid="log-save" mt={18}>
          {t('logs.save')}
        </Button>
      </Group>
      {save.error && <ErrorText error={save.error} />}
      {(saved.data?.length ?? 0) > 0 && (
        <Group gap={4} wrap="wrap" data-testid="log-saved">
          <Text fz="xs" c="dimmed">
            {t('logs.saved')}:
          </Text>
          {saved.data!.map((q) => (
            <Badge
              key={q.id}
              variant="light"
              style={{ cursor: 'pointer', textTransform: 'none' }}
              onClick={() => {
                setText(q.query);
                if (q.columns.length > 0) setColumns(q.columns);
                run(q.query);
              }}
              rightSection={
                <ActionIcon size={14} variant="transparent" aria-label={t('logs.delete')} onClick={(e) => (e.stopPropagation(), remove.mutate(q.id))}>
                  ×
                </ActionIcon>
              }
            >
              {q.name}
            </Badge>
          ))}
        </Group>
      )}
      {error && column === undefined && <ErrorText error={error} />}
      {answer.isFetching && (
        <Text fz="xs" c="dimmed">
          {t('common.loading')}
        </Text>
      )}
      {answer.data?.pivot && <PivotSummary pivot={answer.data.pivot} onOpenAlert={onOpenAlert} />}
      {answer.data?.around && (
        <Alert p={6} variant="light" data-testid="log-around">
          {t('logs.around', { time: clock(answer.data.around.alertVirtualMs) })}
        </Alert>
      )}
      {result && (
        <>
          <Group justify="space-between">
            <Text fz="sm" data-testid="log-total">
              {t('logs.total', { total: formatNumber(result.total), from: clock(result.fromMs), to: clock(result.toMs) })}
            </Text>
            <Text fz="xs" c="dimmed">
              {t('logs.present')}: {clock(result.nowMs)} · {result.tookMs} ms
            </Text>
          </Group>
          <Histogram
            result={result}
            onPick={(fromMs, toMs) => {
              const from = clockInput(fromMs);
              const to = clockInput(toMs);
              setFromText(from);
              setToText(to);
              run(text, from, to);
            }}
          />
          <ScrollArea h="calc(100vh - 420px)" type="auto">
            <Table fz="xs" striped stickyHeader verticalSpacing={2} data-testid="log-results">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={80}>{t('logs.time')}</Table.Th>
                  <Table.Th w={90}>{t('logs.source')}</Table.Th>
                  <Table.Th w={80}>{t('logs.asset')}</Table.Th>
                  {columns.map((c) => (
                    <Table.Th key={c}>{c}</Table.Th>
                  ))}
                  <Table.Th>{t('logs.raw')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.hits.map((hit) => (
                  <HitRow
                    key={hit.ref}
                    hit={hit}
                    columns={columns}
                    time={clock(hit.virtualMs)}
                    expanded={expanded === hit.ref}
                    onToggle={() => setExpanded(expanded === hit.ref ? null : hit.ref)}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
          {current?.kind === 'search' && result.total > PAGE && (
            <Group gap={6}>
              <Button size="xs" variant="default" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                {t('logs.newer')}
              </Button>
              <Text fz="xs">
                {offset + 1}–{Math.min(result.total, offset + PAGE)}
              </Text>
              <Button size="xs" variant="default" disabled={offset + PAGE >= result.total || offset + PAGE > 10_000} onClick={() => setOffset(offset + PAGE)}>
                {t('logs.older')}
              </Button>
            </Group>
          )}
        </>
      )}
    </Stack>
  );
}

/** "1:05:00" for the range inputs (parseTimeInput reads it back). */
function clockInput(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function HitRow({ hit, columns, time, expanded, onToggle }: { hit: RawEventView; columns: string[]; time: string; expanded: boolean; onToggle: () => void }) {
  return (
    <>
      <Table.Tr onClick={onToggle} style={{ cursor: 'pointer' }}>
        <Table.Td ff="monospace">{time}</Table.Td>
        <Table.Td>{hit.source}</Table.Td>
        <Table.Td>{hit.asset ?? ''}</Table.Td>
        {columns.map((c) => (
          <Table.Td key={c} ff="monospace" style={{ wordBreak: 'break-all' }}>
            {hit.fields[c] === undefined ? '' : String(hit.fields[c])}
          </Table.Td>
        ))}
        <Table.Td ff="monospace" style={{ maxWidth: 520, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
          {hit.raw}
        </Table.Td>
      </Table.Tr>
      {expanded && (
        <Table.Tr>
          <Table.Td colSpan={columns.length + 4}>
            <Code block className="raw-log">
              {hit.raw}
            </Code>
            <Table fz="xs" verticalSpacing={1} withRowBorders={false}>
              <Table.Tbody>
                {Object.entries(hit.fields).map(([k, v]) => (
                  <Table.Tr key={k}>
                    <Table.Td w={220} c="dimmed">
                      {k}
                    </Table.Td>
                    <Table.Td ff="monospace">{String(v)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}

function Histogram({ result, onPick }: { result: LogSearchResult; onPick: (fromMs: number, toMs: number) => void }) {
  const { t } = useTranslation();
  const clock = useVirtualTime();
  const { counts, bucketMs, fromMs } = result.histogram;
  const max = Math.max(1, ...counts);
  if (counts.length === 0) return null;
  return (
    <Box data-testid="log-histogram" role="img" aria-label={t('logs.histogram')}>
      <Group gap={1} align="flex-end" h={56} wrap="nowrap">
        {counts.map((n, i) => {
          const start = fromMs + i * bucketMs;
          return (
            <Tooltip key={i} label={`${clock(start)} · ${formatNumber(n)}`} openDelay={150}>
              <UnstyledButton
                aria-label={`${clock(start)}: ${n}`}
                onClick={() => onPick(start, Math.min(result.toMs, start + bucketMs - 1))}
                style={{
                  flex: 1,
                  height: `${Math.max(n > 0 ? 4 : 1, (n / max) * 100)}%`,
                  background: n > 0 ? 'var(--mantine-color-blue-filled)' : 'var(--mantine-color-default-border)',
                }}
              />
            </Tooltip>
          );
        })}
      </Group>
      <Group justify="space-between">
        <Text fz={10} c="dimmed">
          {clock(result.fromMs)}
        </Text>
        <Text fz={10} c="dimmed">
          {clock(result.toMs)}
        </Text>
      </Group>
    </Box>
  );
}

function PivotSummary({ pivot, onOpenAlert }: { pivot: LogPivotResult; onOpenAlert?: (ref: string) => void }) {
  const { t } = useTranslation();
  const clock = useVirtualTime();
  return (
    <Paper withBorder p={6} data-testid="log-pivot">
      <Text fz="xs" fw={700}>
        {t('logs.pivotAlerts', { n: pivot.alerts.length })}
      </Text>
      <Group gap={4} wrap="wrap">
        {pivot.alerts.slice(0, 50).map((a) => (
          <Button key={a.ref} size="compact-xs" variant="light" onClick={() => onOpenAlert?.(a.ref)}>
            {clock(a.virtualMs)} · {pick(a.title)}
          </Button>
        ))}
      </Group>
      <Text fz="xs" fw={700} mt={4}>
        {t('logs.pivotIncidents', { n: pivot.incidents.length })}
      </Text>
      <Group gap={4}>
        {pivot.incidents.map((i) => (
          <Badge key={i.id} variant="outline" style={{ textTransform: 'none' }}>
            {i.id} · {i.title}
          </Badge>
        ))}
      </Group>
    </Paper>
  );
}
