import type { Condition, Scenario, TimeRef } from '../contracts/scenario.schema.js';
import type {
  ScenarioTimeline,
  TimelineAlert,
  TimelineCluster,
  TimelineReport,
  TimelineResponse,
  TimelineTrigger,
  TriggerBasis,
} from '../contracts/scenario-timeline.schema.js';

/** Where an item of the file is written: the line of the node at `path` (e.g. `['timeline', 3]`). */
export type LineOf = (path: readonly (string | number)[]) => number;

/** Above this many timeline alerts the projection sends clusters: nobody reads thousands of dots. */
export const MAX_ALERT_MARKS = 2_000;
/** Slices of the duration that clusters fall in. */
const CLUSTER_SLICES = 240;
/** Alert ids listed per trigger; the counts say how many there are in all. */
const MAX_LISTED = 200;

/** A point in virtual time as far as the file tells: `estimated` when it hangs on what the team does. */
interface Point {
  readonly at: number | null;
  readonly estimated: boolean;
}

/**
 * When a condition can start to hold: not before `from`, not after `until` (null: any time to the
 * end), and no longer once it `expires` (a `not delivered` ends when the alert comes).
 */
interface Span {
  readonly from: number | null;
  readonly until: number | null;
  readonly expires: number | null;
  readonly basis: ReadonlySet<TriggerBasis>;
  readonly estimated: boolean;
}

const UNPLACED: Point = { at: null, estimated: true };
const NEUTRAL: Span = { from: 0, until: null, expires: null, basis: new Set(), estimated: false };

/**
 * Projects a validated scenario onto its timeline as the editor draws it. Pure: the times are the
 * file's own (no seed, no delivery jitter), and where a time depends on the team, the earliest it
 * can be, marked `estimated`. A trigger waiting on what only it releases cannot be placed (null).
 */
export function projectTimeline(scenario: Scenario, lineOf: LineOf): ScenarioTimeline {
  const alerts = scenario.timeline;
  const alertIndex = new Map(alerts.map((alert, index) => [alert.id, index]));
  const triggerIndex = new Map(scenario.triggers.map((trigger, index) => [trigger.id, index]));
  const alertTimes = new Map<number, Point | 'pending'>();
  const triggerSpans = new Map<number, Span | 'pending'>();

  const timeOfAlert = (index: number | undefined): Point => {
    if (index === undefined) return UNPLACED;
    const known = alertTimes.get(index);
    if (known === 'pending') return UNPLACED;
    if (known) return known;
    alertTimes.set(index, 'pending');
    const alert = alerts[index]!;
    let point: Point;
    if (!alert.after) point = { at: alert.at ?? 0, estimated: false };
    else {
      const fires = spanOfTrigger(triggerIndex.get(alert.after.trigger));
      point = fires.from === null ? UNPLACED : { at: Math.max(alert.at ?? 0, fires.from + alert.after.delay), estimated: fires.estimated };
    }
    alertTimes.set(index, point);
    return point;
  };

  const pointOf = (ref: TimeRef): Point => {
    if (typeof ref === 'number') return { at: ref, estimated: false };
    const delivered = timeOfAlert(alertIndex.get(ref.event));
    return delivered.at === null ? delivered : { at: delivered.at + (ref.plus ?? 0), estimated: delivered.estimated };
  };

  /** A condition that holds from one point on: exactly then, unless that point is itself a guess. */
  const atPoint = (point: Point, basis: TriggerBasis): Span => ({
    from: point.at,
    until: point.estimated ? null : point.at,
    expires: null,
    basis: new Set([basis]),
    estimated: point.estimated,
  });

  /** A condition that holds once the team acts: from when it sensibly can, until `by`. */
  const byAction = (from: number | null, by: TimeRef | undefined): Span => {
    const until = by === undefined ? null : pointOf(by).at;
    return { from: from ?? 0, until, expires: null, basis: new Set(['action']), estimated: true };
  };

  /** The answer key's window for an action on a target opens when the team can sensibly take it. */
  const windowOpening = (action: string, target: string | undefined): number | null => {
    const opens = scenario.responses
      .filter((r) => r.action === action && (target === undefined || r.target?.toLowerCase() === target.toLowerCase()))
      .map((r) => (r.from === undefined ? 0 : pointOf(r.from).at))
      .filter((at): at is number => at !== null);
    return opens.length > 0 ? Math.min(...opens) : null;
  };

  const spanOf = (condition: Condition): Span => {
    if ('time' in condition) return atPoint(pointOf(condition.time), 'time');
    if ('delivered' in condition) return atPoint(timeOfAlert(alertIndex.get(condition.delivered)), 'delivery');
    if ('notTaken' in condition) return atPoint(pointOf(condition.notTaken.by), 'inaction');
    if ('taken' in condition) return byAction(windowOpening(condition.taken.action, condition.taken.target), condition.taken.by);
    if ('verdict' in condition) return byAction(timeOfAlert(alertIndex.get(condition.verdict.alert)).at, undefined);
    if ('routed' in condition) return byAction(condition.routed.alert === undefined ? 0 : timeOfAlert(alertIndex.get(condition.routed.alert)).at, undefined);
    if ('reported' in condition) {
      const kind = condition.reported.kind;
      const starts = scenario.reporting
        .filter((r) => r.kind === kind)
        .map((r) => pointOf(r.from).at)
        .filter((at): at is number => at !== null);
      return byAction(starts.length > 0 ? Math.min(...starts) : 0, condition.reported.by);
    }
    if ('all' in condition) return allOf(condition.all.map(spanOf));
    if ('any' in condition) return anyOf(condition.any.map(spanOf));
    // `not delivered x` holds from the start until x arrives; any other negation bounds nothing we can place.
    const inner = condition.not;
    if ('delivered' in inner) {
      const arrives = timeOfAlert(alertIndex.get(inner.delivered));
      return { from: 0, until: 0, expires: arrives.estimated ? null : arrives.at, basis: new Set(), estimated: false };
    }
    return NEUTRAL;
  };

  const spanOfTrigger = (index: number | undefined): Span => {
    if (index === undefined) return { ...NEUTRAL, from: null };
    const known = triggerSpans.get(index);
    if (known === 'pending') return { ...NEUTRAL, from: null, estimated: true };
    if (known) return known;
    triggerSpans.set(index, 'pending');
    const span = spanOf(scenario.triggers[index]!.when);
    // A condition of negations only holds at the start: triggers are evaluated at time 0.
    const placed: Span = span.basis.size === 0 ? { ...span, basis: new Set(['time']) } : span;
    triggerSpans.set(index, placed);
    return placed;
  };

  // What each trigger releases and cancels, and who cancels each alert (as the engine applies it).
  const releases = scenario.triggers.map(() => [] as number[]);
  alerts.forEach((alert, index) => {
    const trigger = alert.after ? triggerIndex.get(alert.after.trigger) : undefined;
    if (trigger !== undefined) releases[trigger]!.push(index);
  });
  const byPhase = new Map<string, number[]>();
  alerts.forEach((alert, index) => {
    if (alert.phase === undefined) return;
    const list = byPhase.get(alert.phase);
    if (list) list.push(index);
    else byPhase.set(alert.phase, [index]);
  });
  const cancelledBy = new Map<number, string[]>();
  const cancels = scenario.triggers.map((trigger) => {
    const dropped = new Set<number>();
    const drop = (index: number | undefined) => {
      // An alert the trigger itself releases is not cancelled by it.
      if (index !== undefined && alerts[index]!.after?.trigger !== trigger.id) dropped.add(index);
    };
    for (const id of trigger.cancel) drop(alertIndex.get(id));
    const assets = trigger.cancelAssets === undefined ? null : new Set(trigger.cancelAssets);
    for (const phase of trigger.cancelPhases) {
      for (const index of byPhase.get(phase) ?? []) {
        const asset = alerts[index]!.asset;
        if (assets === null || (asset !== undefined && assets.has(asset))) drop(index);
      }
    }
    for (const index of dropped) {
      const list = cancelledBy.get(index);
      if (list) list.push(trigger.id);
      else cancelledBy.set(index, [trigger.id]);
    }
    return [...dropped].sort((a, b) => a - b);
  });

  const clustered = alerts.length > MAX_ALERT_MARKS;
  const projected: TimelineAlert[] = [];
  const clusters = new Map<string, TimelineCluster>();
  const slice = Math.max(1, Math.ceil(scenario.duration / CLUSTER_SLICES));
  alerts.forEach((alert, index) => {
    const time = timeOfAlert(index);
    if (!clustered) {
      projected.push({
        id: alert.id,
        line: lineOf(['timeline', index]),
        layer: alert.layer,
        at: time.at,
        title: alert.title,
        sensor: alert.sensor,
        severity: alert.severity,
        verdict: alert.answer.verdict,
        phase: alert.phase ?? null,
        releasedBy: alert.after?.trigger ?? null,
        estimated: time.estimated,
        cancelledBy: cancelledBy.get(index) ?? [],
      });
      return;
    }
    if (time.at === null) return;
    const from = Math.floor(time.at / slice) * slice;
    const key = `${alert.layer}:${from}`;
    const cluster = clusters.get(key);
    const truePositive = alert.answer.verdict === 'true-positive' ? 1 : 0;
    if (cluster) clusters.set(key, { ...cluster, count: cluster.count + 1, truePositives: cluster.truePositives + truePositive });
    else clusters.set(key, { layer: alert.layer, from, to: from + slice, count: 1, truePositives: truePositive, line: lineOf(['timeline', index]) });
  });

  const triggers: TimelineTrigger[] = scenario.triggers.map((trigger, t) => {
    const span = spanOfTrigger(t);
    return {
      id: trigger.id,
      line: lineOf(['triggers', t]),
      description: trigger.description,
      from: span.from,
      until: span.until,
      basis: [...span.basis].sort(),
      releases: releases[t]!.slice(0, MAX_LISTED).map((i) => alerts[i]!.id),
      releaseCount: releases[t]!.length,
      cancels: cancels[t]!.slice(0, MAX_LISTED).map((i) => alerts[i]!.id),
      cancelCount: cancels[t]!.length,
      cancelPhases: trigger.cancelPhases,
    };
  });

  const responses: TimelineResponse[] = scenario.responses.map((response, r) => {
    const opens = response.from === undefined ? { at: 0, estimated: false } : pointOf(response.from);
    const closes = pointOf(response.deadline);
    return {
      id: response.id,
      line: lineOf(['responses', r]),
      action: response.action,
      target: response.target ?? null,
      from: opens.at,
      until: closes.at,
      required: response.required,
      points: response.points,
      description: response.description,
      estimated: opens.estimated || closes.estimated,
    };
  });

  const reports: TimelineReport[] = scenario.reporting.map((obligation, r) => {
    const starts = pointOf(obligation.from);
    return {
      id: obligation.id,
      line: lineOf(['reporting', r]),
      kind: obligation.kind,
      from: starts.at,
      until: starts.at === null ? null : starts.at + obligation.deadline,
      recipients: obligation.recipients,
      points: obligation.points,
      estimated: starts.estimated,
    };
  });

  return {
    durationSeconds: scenario.duration,
    wallClockStart: scenario.wallClockStart ?? null,
    phases: scenario.phases.map((phase) => ({ id: phase.id, name: phase.name })),
    alerts: projected,
    clusters: [...clusters.values()].sort((a, b) => a.from - b.from || a.layer - b.layer),
    noise: scenario.noise.map((generator, n) => ({
      id: generator.id,
      line: lineOf(['noise', n]),
      layer: generator.template.layer,
      from: generator.between[0],
      to: generator.between[1],
      count: generator.count,
      title: generator.template.title,
      verdict: generator.template.answer.verdict,
    })),
    triggers,
    responses,
    reports,
  };
}

/** All hold from the moment the last one starts to, while none has expired. */
function allOf(spans: Span[]): Span {
  const from = spans.some((span) => span.from === null) ? null : Math.max(...spans.map((span) => span.from!));
  const latest = spans.some((span) => span.until === null) ? null : Math.max(...spans.map((span) => span.until!));
  const expiring = spans.filter((span) => span.expires !== null).map((span) => span.expires!);
  const expires = expiring.length > 0 ? Math.min(...expiring) : null;
  return {
    from,
    until: expires === null ? latest : Math.min(latest ?? expires, expires),
    expires,
    basis: new Set(spans.flatMap((span) => [...span.basis])),
    estimated: spans.some((span) => span.estimated),
  };
}

/** One holds as soon as the first can; the latest start is the latest of any. */
function anyOf(spans: Span[]): Span {
  const placed = spans.filter((span) => span.from !== null);
  const basis = new Set(spans.flatMap((span) => [...span.basis]));
  if (placed.length === 0) return { from: null, until: null, expires: null, basis, estimated: true };
  const first = Math.min(...placed.map((span) => span.from!));
  return {
    from: first,
    until: placed.some((span) => span.until === null) ? null : Math.max(...placed.map((span) => span.until!)),
    expires: placed.some((span) => span.expires === null) ? null : Math.max(...placed.map((span) => span.expires!)),
    basis,
    estimated: placed.filter((span) => span.from === first).every((span) => span.estimated),
  };
}
