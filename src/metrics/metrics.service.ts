import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ExerciseBus, type ExerciseMessage } from '../exercises/exercise-bus.js';
import { ExerciseRuntime } from '../exercises/exercise-runtime.service.js';
import { ExercisesGateway } from '../realtime/exercises.gateway.js';

/** Every metric of our own starts with this; the process and Node.js defaults keep their standard names. */
export const METRIC_PREFIX = 'soc_drill_';

export type ActionOutcome = 'ok' | 'refused' | 'error';

/** Seconds. The ack of an action is a group commit away: a few ms normally, seconds only under trouble. */
const ACTION_ACK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Seconds. An alert is due on the wall clock; it is late by the commit plus whatever held the event loop. */
const DELIVERY_LATENESS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface Instruments {
  readonly registry: Registry;
  readonly actions: Counter<'outcome'>;
  readonly actionAck: Histogram;
  readonly deliveryLateness: Histogram;
}

/**
 * The Prometheus metrics of this process. Off (METRICS_ENABLED=false) nothing is created and nothing
 * is measured. The gauges are read at scrape time; on the hot paths there is only a counter increment
 * and a histogram observation.
 */
@Injectable()
export class MetricsService implements OnModuleInit, OnModuleDestroy {
  private instruments: Instruments | null = null;
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ExerciseBus) private readonly bus: ExerciseBus,
    @Inject(ExerciseRuntime) private readonly runtime: ExerciseRuntime,
    @Inject(ExercisesGateway) private readonly gateway: ExercisesGateway,
  ) {}

  get enabled(): boolean {
    return this.config.METRICS_ENABLED;
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    // A registry of its own, not prom-client's global one: several apps in one process (the tests) stay apart.
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const runtime = this.runtime;
    const gateway = this.gateway;
    new Gauge({
      name: `${METRIC_PREFIX}connected_sockets`,
      help: 'socket.io connections to the exercises namespace',
      registers: [registry],
      collect() {
        this.set(gateway.connectedSockets());
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}running_exercises`,
      help: 'Exercises whose clock is running (paused ones are not counted)',
      registers: [registry],
      collect() {
        this.set(runtime.runningCount());
      },
    });
    this.instruments = {
      registry,
      actions: new Counter({
        name: `${METRIC_PREFIX}actions_total`,
        help: 'Trainee actions posted (POST /api/exercises/{id}/actions) by outcome: ok (2xx), refused (4xx), error (5xx)',
        labelNames: ['outcome'],
        registers: [registry],
      }),
      actionAck: new Histogram({
        name: `${METRIC_PREFIX}action_ack_seconds`,
        help: 'Server-side handling time of a trainee action, from the request to its ack being sent',
        buckets: ACTION_ACK_BUCKETS,
        registers: [registry],
      }),
      deliveryLateness: new Histogram({
        name: `${METRIC_PREFIX}alert_delivery_lateness_seconds`,
        help: 'How long after its scheduled instant an alert went out to its team (committed and published); catch-up and injects excluded',
        buckets: DELIVERY_LATENESS_BUCKETS,
        registers: [registry],
      }),
    };
    // Every outcome exists from the start, so rate() has a series before the first action.
    for (const outcome of ['ok', 'refused', 'error'] as const satisfies readonly ActionOutcome[]) this.instruments.actions.inc({ outcome }, 0);
    this.unsubscribe = this.bus.subscribe((message) => this.onBusMessage(message));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    this.instruments?.registry.clear();
    this.instruments = null;
  }

  /** Called once per trainee action when its response has been sent. */
  actionHandled(startedAt: bigint, status: number): void {
    const instruments = this.instruments;
    if (instruments === null) return;
    const outcome: ActionOutcome = status >= 500 ? 'error' : status >= 400 ? 'refused' : 'ok';
    instruments.actions.inc({ outcome });
    instruments.actionAck.observe(Number(process.hrtime.bigint() - startedAt) / 1e9);
  }

  /** The exposition text and its content type; null when metrics are off. */
  async exposition(): Promise<{ readonly contentType: string; readonly text: string } | null> {
    const instruments = this.instruments;
    if (instruments === null) return null;
    return { contentType: instruments.registry.contentType, text: await instruments.registry.metrics() };
  }

  private onBusMessage(message: ExerciseMessage): void {
    if (message.type !== 'events' || this.instruments === null) return;
    const now = Date.now();
    for (const event of message.events) {
      // Catch-up (a seek, a restart) is late by design, and an inject has no schedule to be late for.
      if (event.catchUp || event.origin === 'inject') continue;
      this.instruments.deliveryLateness.observe(Math.max(0, now - event.scheduledWallMs) / 1000);
    }
  }
}
