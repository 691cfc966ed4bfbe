import { Alert, Group, Paper, Text } from '@mantine/core';
import { memo, useMemo, useRef, useState, type FocusEvent, type MouseEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  ScenarioTimeline,
  TimelineAlert,
  TimelineCluster,
  TimelineNoise,
  TimelineReport,
  TimelineResponse,
  TimelineTrigger,
} from '@contracts/scenario-timeline.schema.js';
import { formatNumber, formatVirtualTime, parseWallClockStart, pick } from '../lib/format.js';
import { authorTime, axisTicks, noiseOpacity, percentAt, perMinute, stackRows } from './timeline-layout.js';
import './scenario-timeline.css';

const LAYERS = [1, 2, 3, 4] as const;
/** Sub-rows of alert marks per lane, and how close (as a share of the duration) two marks may sit in one. */
const MARK_ROWS = 3;
const MARK_GAP = 0.012;

type Hovered =
  | { kind: 'alert'; item: TimelineAlert }
  | { kind: 'cluster'; item: TimelineCluster }
  | { kind: 'noise'; item: TimelineNoise }
  | { kind: 'trigger'; item: TimelineTrigger }
  | { kind: 'response'; item: TimelineResponse }
  | { kind: 'report'; item: TimelineReport };

interface Props {
  readonly timeline: ScenarioTimeline | null;
  /** The text has problems: the timeline is from the last valid check. */
  readonly stale: boolean;
  readonly onJump: (line: number) => void;
}

/**
 * The instructor's timeline of the scenario being written: the four layers' alerts over virtual
 * time (noise as bands), the triggers as branches with what they add and cancel, response windows
 * and report deadlines as bands. Everything is a button: hover or focus for details, click to go
 * to its line in the editor.
 */
export const ScenarioTimelinePanel = memo(function ScenarioTimelinePanel({ timeline, stale, onJump }: Props) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="xs" h="100%" className="tl-panel" data-testid="scenario-timeline-panel" data-stale={stale} data-ready={timeline !== null}>
      <Group justify="space-between" gap="xs" mb={4} wrap="nowrap">
        <Text fw={700} fz="sm">
          {t('authoring.timeline')}
        </Text>
        <Legend />
      </Group>
      {stale && (
        <Alert color="yellow" p={6} mb={6} data-testid="timeline-stale">
          <Text fz="xs">{t('authoring.stale')}</Text>
        </Alert>
      )}
      {timeline ? (
        <TimelineChart timeline={timeline} stale={stale} onJump={onJump} />
      ) : (
        <Text fz="sm" c="dimmed" data-testid="timeline-empty">
          {t('authoring.empty')}
        </Text>
      )}
    </Paper>
  );
});

function Legend() {
  const { t } = useTranslation();
  const item = (swatch: string, label: string) => (
    <span className="tl-legend-item">
      <span className={`tl-swatch ${swatch}`} aria-hidden="true" />
      {label}
    </span>
  );
  return (
    <div className="tl-legend">
      {item('tl-mark is-true', t('authoring.legend.truePositive'))}
      {item('tl-mark is-noise', t('authoring.legend.noise'))}
      {item('tl-mark is-true is-conditional', t('authoring.legend.conditional'))}
      {item('tl-diamond', t('authoring.legend.trigger'))}
      {item('tl-band is-response', t('authoring.legend.response'))}
      {item('tl-band is-report', t('authoring.legend.report'))}
    </div>
  );
}

function TimelineChart({ timeline, stale, onJump }: { timeline: ScenarioTimeline; stale: boolean; onJump: (line: number) => void }) {
  const { t } = useTranslation();
  const [hovered, setHovered] = useState<{ item: Hovered; x: number; y: number } | null>(null);
  const chart = useRef<HTMLDivElement>(null);
  const duration = Math.max(1, timeline.durationSeconds);
  const x = (seconds: number) => `${percentAt(seconds, duration)}%`;
  const ticks = useMemo(() => axisTicks(duration), [duration]);
  const alertsById = useMemo(() => new Map(timeline.alerts.map((a) => [a.id, a])), [timeline.alerts]);
  const lanes = useMemo(
    () =>
      LAYERS.map((layer) => {
        const alerts = timeline.alerts.filter((a) => a.layer === layer);
        return {
          layer,
          alerts,
          rows: stackRows(
            alerts.map((a) => a.at),
            duration * MARK_GAP,
            MARK_ROWS,
          ),
          clusters: timeline.clusters.filter((c) => c.layer === layer),
          noise: timeline.noise.filter((n) => n.layer === layer),
        };
      }),
    [timeline, duration],
  );
  const densest = useMemo(() => Math.max(0, ...timeline.noise.map((n) => n.count / Math.max(60, n.to - n.from))), [timeline.noise]);
  const largestCluster = useMemo(() => Math.max(1, ...timeline.clusters.map((c) => c.count)), [timeline.clusters]);

  // What the hovered item connects to: a trigger's released and cancelled alerts, an alert's trigger.
  const focus = useMemo(() => {
    if (!hovered) return null;
    if (hovered.item.kind === 'trigger')
      return { trigger: hovered.item.item.id, releases: new Set(hovered.item.item.releases), cancels: new Set(hovered.item.item.cancels) };
    if (hovered.item.kind === 'alert')
      return { trigger: hovered.item.item.releasedBy, releases: new Set<string>(), cancels: new Set<string>(), alert: hovered.item.item.id };
    return null;
  }, [hovered]);

  const show = (item: Hovered) => (event: MouseEvent<HTMLElement> | FocusEvent<HTMLElement>) => {
    const box = chart.current?.getBoundingClientRect();
    const target = (event.currentTarget as HTMLElement).getBoundingClientRect();
    if (!box) return;
    const pointer = 'clientX' in event ? { x: event.clientX, y: event.clientY } : { x: target.left + target.width / 2, y: target.bottom };
    setHovered({ item, x: pointer.x - box.left, y: pointer.y - box.top + chart.current!.scrollTop });
  };
  const hide = () => setHovered(null);
  const props = (item: Hovered, line: number, label: string) => ({
    type: 'button' as const,
    onMouseEnter: show(item),
    onMouseMove: show(item),
    onMouseLeave: hide,
    onFocus: show(item),
    onBlur: hide,
    onClick: () => onJump(line),
    'aria-label': `${label}. ${t('authoring.jump', { line })}`,
    'data-line': line,
  });
  const gridLines = ticks.map((tick) => <span key={tick} className="tl-grid" style={{ left: x(tick) }} aria-hidden="true" />);

  return (
    <div className="tl-chart" ref={chart} data-testid="scenario-timeline" data-stale={stale} onMouseLeave={hide}>
      <div className="tl-row tl-axis">
        <div className="tl-label" />
        <div className="tl-track">
          {ticks.map((tick) => (
            <span key={tick} className="tl-tick" style={{ left: x(tick) }}>
              {authorTime(tick)}
            </span>
          ))}
        </div>
      </div>

      <Section title={t('authoring.lanes')} />
      {lanes.map((lane) => {
        const height = MARK_ROWS * 11 + 6 + lane.noise.length * 6;
        const count = lane.alerts.length + lane.clusters.reduce((n, c) => n + c.count, 0);
        return (
          <div key={lane.layer} className="tl-row tl-lane" data-testid="timeline-lane" data-layer={lane.layer} style={{ height }}>
            <div className="tl-label" title={t(`layer.l${lane.layer}`)}>
              <span className="tl-label-main">{t('layer.short', { n: lane.layer })}</span>
              <span className="tl-label-sub">{t('authoring.count', { count })}</span>
            </div>
            <div className="tl-track">
              {gridLines}
              {lane.noise.map((noise, i) => (
                <button
                  key={noise.id}
                  className="tl-noise"
                  style={{
                    left: x(noise.from),
                    width: `${percentAt(noise.to, duration) - percentAt(noise.from, duration)}%`,
                    bottom: 2 + i * 6,
                    opacity: noiseOpacity(noise.count, noise.from, noise.to, densest),
                  }}
                  data-testid="timeline-noise"
                  data-id={noise.id}
                  {...props({ kind: 'noise', item: noise }, noise.line, noise.id)}
                />
              ))}
              {lane.clusters.map((cluster) => (
                <button
                  key={`${cluster.layer}-${cluster.from}`}
                  className={`tl-cluster${cluster.truePositives > 0 ? ' is-true' : ''}`}
                  style={{
                    left: x(cluster.from),
                    width: `max(3px, ${percentAt(cluster.to, duration) - percentAt(cluster.from, duration)}%)`,
                    height: 6 + Math.round((MARK_ROWS * 11 - 6) * (Math.log1p(cluster.count) / Math.log1p(largestCluster))),
                  }}
                  data-testid="timeline-cluster"
                  {...props({ kind: 'cluster', item: cluster }, cluster.line, t('authoring.count', { count: cluster.count }))}
                />
              ))}
              {lane.alerts.map((alert, i) =>
                alert.at === null ? null : (
                  <button
                    key={alert.id}
                    className={markClass(alert, focus)}
                    style={{ left: x(alert.at), top: 3 + lane.rows[i]! * 11 }}
                    data-testid="timeline-alert"
                    data-id={alert.id}
                    data-at={alert.at}
                    {...props({ kind: 'alert', item: alert }, alert.line, `${alert.id}, ${authorTime(alert.at)}`)}
                  />
                ),
              )}
            </div>
          </div>
        );
      })}

      {timeline.triggers.length > 0 && <Section title={t('authoring.triggers')} />}
      {timeline.triggers.map((trigger) => {
        const focused = focus?.trigger === trigger.id;
        const released = trigger.releases.map((id) => alertsById.get(id)).filter((a): a is TimelineAlert => a?.at != null);
        const cancelled = trigger.cancels.map((id) => alertsById.get(id)).filter((a): a is TimelineAlert => a?.at != null);
        const windowEnd = trigger.until ?? duration;
        return (
          <div
            key={trigger.id}
            className={`tl-row tl-trigger${focused ? ' is-focused' : ''}`}
            data-testid="timeline-trigger"
            data-id={trigger.id}
            data-from={trigger.from ?? ''}
          >
            <button className="tl-label tl-label-button" {...props({ kind: 'trigger', item: trigger }, trigger.line, trigger.id)}>
              <span className="tl-label-main">{trigger.id}</span>
              <span className="tl-label-sub">
                <span className="tl-plus">+{trigger.releaseCount}</span> <span className="tl-minus">−{trigger.cancelCount}</span>
              </span>
            </button>
            <div className="tl-track">
              {gridLines}
              {trigger.from !== null && trigger.basis.includes('action') && windowEnd > trigger.from && (
                <span
                  className="tl-window"
                  style={{ left: x(trigger.from), width: `${percentAt(windowEnd, duration) - percentAt(trigger.from, duration)}%` }}
                  aria-hidden="true"
                />
              )}
              {trigger.from !== null && (
                <span
                  className="tl-branch"
                  style={{
                    left: x(trigger.from),
                    width: `${Math.max(0, percentAt(Math.max(trigger.from, ...released.map((a) => a.at!)), duration) - percentAt(trigger.from, duration))}%`,
                  }}
                  aria-hidden="true"
                />
              )}
              {released.map((alert) => (
                <span key={`r-${alert.id}`} className="tl-effect is-release" style={{ left: x(alert.at!) }} aria-hidden="true">
                  +
                </span>
              ))}
              {cancelled.map((alert) => (
                <span key={`c-${alert.id}`} className="tl-effect is-cancel" style={{ left: x(alert.at!) }} aria-hidden="true">
                  ×
                </span>
              ))}
              {trigger.from !== null && (
                <button
                  className={`tl-diamond${trigger.basis.includes('action') ? ' is-action' : ''}`}
                  style={{ left: x(trigger.from) }}
                  data-testid="timeline-trigger-point"
                  {...props({ kind: 'trigger', item: trigger }, trigger.line, trigger.id)}
                />
              )}
            </div>
          </div>
        );
      })}

      {timeline.responses.length > 0 && <Section title={t('authoring.responses')} />}
      {timeline.responses.map((response) => (
        <BandRow
          key={response.id}
          label={`${t(`response.actions.${response.action}`)}${response.target ? ` · ${response.target}` : ''}`}
          className={`is-response${response.required ? '' : ' is-optional'}${response.estimated ? ' is-estimated' : ''}`}
          from={response.from}
          until={response.until}
          duration={duration}
          testId="timeline-response"
          id={response.id}
          buttonProps={props({ kind: 'response', item: response }, response.line, response.id)}
        >
          {gridLines}
        </BandRow>
      ))}

      {timeline.reports.length > 0 && <Section title={t('authoring.reports')} />}
      {timeline.reports.map((report) => (
        <BandRow
          key={report.id}
          label={t(`report.kinds.${report.kind}`)}
          className={`is-report${report.estimated ? ' is-estimated' : ''}`}
          from={report.from}
          until={report.until}
          duration={duration}
          testId="timeline-report"
          id={report.id}
          buttonProps={props({ kind: 'report', item: report }, report.line, report.id)}
        >
          {gridLines}
        </BandRow>
      ))}

      {hovered && <HoverCard hovered={hovered} timeline={timeline} width={chart.current?.clientWidth ?? 600} />}
    </div>
  );
}

function Section({ title }: { title: string }) {
  return (
    <div className="tl-section">
      <Text fz="xs" fw={700} c="dimmed" tt="uppercase">
        {title}
      </Text>
    </div>
  );
}

function BandRow(props: {
  label: string;
  className: string;
  from: number | null;
  until: number | null;
  duration: number;
  testId: string;
  id: string;
  buttonProps: Record<string, unknown>;
  children: ReactNode;
}) {
  const { from, until, duration } = props;
  return (
    <div className="tl-row tl-band-row" data-testid={props.testId} data-id={props.id}>
      <button className="tl-label tl-label-button" {...props.buttonProps}>
        <span className="tl-label-main">{props.label}</span>
      </button>
      <div className="tl-track">
        {props.children}
        {from !== null && until !== null && (
          <button
            className={`tl-band ${props.className}`}
            style={{ left: `${percentAt(from, duration)}%`, width: `max(3px, ${percentAt(until, duration) - percentAt(from, duration)}%)` }}
            data-from={from}
            data-until={until}
            {...props.buttonProps}
          />
        )}
      </div>
    </div>
  );
}

function markClass(alert: TimelineAlert, focus: { trigger: string | null; releases: Set<string>; cancels: Set<string>; alert?: string } | null): string {
  const classes = ['tl-mark', alert.verdict === 'true-positive' ? 'is-true' : 'is-noise'];
  if (alert.releasedBy !== null || alert.estimated) classes.push('is-conditional');
  if (focus) {
    if (focus.releases.has(alert.id)) classes.push('is-released');
    else if (focus.cancels.has(alert.id)) classes.push('is-cancelled');
    else if (focus.alert === alert.id) classes.push('is-hovered');
    else classes.push('is-dim');
  }
  return classes.join(' ');
}

function HoverCard({ hovered, timeline, width }: { hovered: { item: Hovered; x: number; y: number }; timeline: ScenarioTimeline; width: number }) {
  const { t } = useTranslation();
  const start = parseWallClockStart(timeline.wallClockStart);
  const time = (seconds: number) => (start === null ? `T+${authorTime(seconds)}` : `T+${authorTime(seconds)} (${formatVirtualTime(seconds * 1000, start)})`);
  const phaseName = (id: string | null) => {
    const phase = timeline.phases.find((p) => p.id === id);
    return phase ? pick(phase.name) : id;
  };
  const lines: ReactNode[] = [];
  let title: string;
  let line: number;
  const { item } = hovered;
  switch (item.kind) {
    case 'alert': {
      const a = item.item;
      title = pick(a.title);
      line = a.line;
      lines.push(`${a.id} · ${t('layer.short', { n: a.layer })} · ${t(`sensor.${a.sensor}`, { defaultValue: a.sensor })}`);
      lines.push(
        a.at === null ? t('authoring.unplaced') : a.estimated ? t('authoring.atEstimated', { time: time(a.at) }) : t('authoring.at', { time: time(a.at) }),
      );
      lines.push(t('authoring.verdict', { verdict: t(`verdict.${a.verdict}`), severity: t(`severity.${a.severity}`) }));
      if (a.phase) lines.push(t('authoring.phase', { phase: phaseName(a.phase) }));
      if (a.releasedBy) lines.push(t('authoring.releasedBy', { id: a.releasedBy }));
      if (a.cancelledBy.length > 0) lines.push(t('authoring.cancelledBy', { ids: a.cancelledBy.join('", "') }));
      break;
    }
    case 'cluster': {
      const c = item.item;
      title = `${t('layer.short', { n: c.layer })}`;
      line = c.line;
      lines.push(t('authoring.cluster', { count: c.count, from: time(c.from), to: time(c.to), truePositives: c.truePositives }));
      break;
    }
    case 'noise': {
      const n = item.item;
      title = `${n.id}: ${pick(n.title)}`;
      line = n.line;
      lines.push(t('authoring.noiseBand', { count: n.count, from: time(n.from), to: time(n.to), rate: formatNumber(perMinute(n.count, n.from, n.to), 1) }));
      lines.push(`${t('verdict.label')}: ${t(`verdict.${n.verdict}`)}`);
      break;
    }
    case 'trigger': {
      const tr = item.item;
      title = tr.id;
      line = tr.line;
      lines.push(pick(tr.description));
      lines.push(t('authoring.firesOn', { what: tr.basis.map((b) => t(`authoring.fires.${b}`)).join(', ') }));
      if (tr.from === null) lines.push(t('authoring.firesNever'));
      else if (tr.until !== null && tr.until < tr.from) lines.push(t('authoring.firesImpossible', { from: time(tr.from), until: time(tr.until) }));
      else if (tr.until === tr.from) lines.push(t('authoring.firesAt', { time: time(tr.from) }));
      else if (tr.until !== null) lines.push(t('authoring.firesWindow', { from: time(tr.from), until: time(tr.until) }));
      else lines.push(t('authoring.firesFrom', { from: time(tr.from) }));
      if (tr.releaseCount > 0)
        lines.push(`${t('authoring.releases', { count: tr.releaseCount })}: ${tr.releases.slice(0, 8).join(', ')}${tr.releaseCount > 8 ? ', …' : ''}`);
      if (tr.cancelCount > 0)
        lines.push(`${t('authoring.cancels', { count: tr.cancelCount })}: ${tr.cancels.slice(0, 8).join(', ')}${tr.cancelCount > 8 ? ', …' : ''}`);
      if (tr.cancelPhases.length > 0) lines.push(t('authoring.cancelPhases', { phases: tr.cancelPhases.map(phaseName).join(', ') }));
      break;
    }
    case 'response': {
      const r = item.item;
      title = `${t(`response.actions.${r.action}`)}${r.target ? ` · ${r.target}` : ''}`;
      line = r.line;
      lines.push(pick(r.description));
      if (r.from !== null && r.until !== null)
        lines.push(t('authoring.window', { from: time(r.from), until: time(r.until) }) + (r.estimated ? ` (${t('authoring.estimated')})` : ''));
      lines.push([t('authoring.points', { points: r.points }), r.required ? null : t('authoring.optional')].filter(Boolean).join(' · '));
      lines.push(r.id);
      break;
    }
    case 'report': {
      const r = item.item;
      title = t(`report.kinds.${r.kind}`);
      line = r.line;
      if (r.from !== null && r.until !== null)
        lines.push(t('authoring.reportWindow', { from: time(r.from), until: time(r.until) }) + (r.estimated ? ` (${t('authoring.estimated')})` : ''));
      lines.push(t('authoring.recipients', { recipients: r.recipients.join(', ') }));
      lines.push(`${t('authoring.points', { points: r.points })} · ${r.id}`);
      break;
    }
    default: {
      const never: never = item;
      return never;
    }
  }
  const cardWidth = 300;
  const left = Math.max(4, Math.min(hovered.x + 12, width - cardWidth - 4));
  return (
    <div className="tl-hover" style={{ left, top: hovered.y + 14, width: cardWidth }} role="tooltip" data-testid="timeline-hover">
      <Text fz="xs" fw={700} lineClamp={2}>
        {title}
      </Text>
      {lines.map((text, i) => (
        <Text key={i} fz="xs">
          {text}
        </Text>
      ))}
      <Text fz="xs" c="dimmed">
        {t('authoring.jump', { line })}
      </Text>
    </div>
  );
}
