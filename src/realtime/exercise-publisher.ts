import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ExerciseEndedMessage, ServerToClientEvents } from '../contracts/realtime.schema.js';
import { AlertRefService } from '../exercises/alert-ref.service.js';
import type { AlertRefNamer } from '../exercises/alert-refs.js';
import { ExerciseBus, type ExerciseMessage } from '../exercises/exercise-bus.js';
import { ExerciseRuntime } from '../exercises/exercise-runtime.service.js';
import type { LoggedEvent } from '../exercises/exercise-views.js';
import {
  type ActionMessage,
  emitTo,
  endedMessage,
  type ExerciseNamespace,
  type ExerciseSocket,
  exerciseRoom,
  instructorRoom,
  streamBatch,
  teamActionsPayload,
  teamRoom,
} from './realtime-sockets.js';

/**
 * The cockpit gets every team's actions in one message per this interval instead of one per action:
 * at a national drill's 1,000 actions/s that is 5 messages a second per instructor instead of 1,000,
 * which a browser tab (and the server writing them) can keep up with.
 */
const INSTRUCTOR_ACTIONS_INTERVAL_MS = 200;

/**
 * A team's trainees get an action at once when their team has been quiet, and the actions of a
 * busy moment together at most this often: one socket.io frame per socket for several actions
 * (docs/benchmarks.md, the drill's pushes). The console refreshes derived views once a second anyway.
 */
const TEAM_ACTIONS_INTERVAL_MS = 250;

/** Per team stream on this node: the last seq sent to its room, and what waits behind a gap being filled. */
interface StreamCursor {
  readonly exerciseId: string;
  last: number;
  /** A read of missing events from the log is under way: later events wait here, in order. */
  filling: boolean;
  readonly waiting: LoggedEvent[];
  /** Fill up to this seq (a takeover's 'heads') even if no later event arrives. */
  fillTo: number;
}

/** Events read from the log per gap-filling query. */
const FILL_PAGE = 1000;

/** A socket catching up on a team's stream: live events (and actions) are buffered until its replay is sent. */
export interface CatchUp {
  readonly socket: ExerciseSocket;
  readonly buffer: LoggedEvent[];
  /** Committed actions published during the replay; null when the join replays no actions. */
  readonly actions: ActionMessage[] | null;
}

/**
 * Sends what the exercise bus publishes (committed events, clock changes, boards, actions, the end)
 * to the socket.io rooms. It also keeps what sockets still replaying a team's stream would miss,
 * so that their join (ExerciseJoins) can send it after the replay, in order.
 */
@Injectable()
export class ExercisePublisher implements OnModuleDestroy {
  private readonly logger = new Logger(ExercisePublisher.name);
  private server: ExerciseNamespace | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly catchUps = new Map<string, Set<CatchUp>>();
  /**
   * Per team: sockets that replayed the team's actions when they joined, with the last seq they got.
   * An action is published after its commit, so the replay (read from the log) may have sent it
   * already: it is not sent again.
   */
  private readonly actionsReplayedTo = new Map<string, Map<string, number>>();
  /** Per exercise: committed actions waiting for the next message to the instructors, and its timer. */
  private readonly forInstructors = new Map<string, { readonly messages: ActionMessage[]; readonly timer: NodeJS.Timeout }>();
  /** Per team: the window after a send, and the committed actions that wait for its end. */
  private readonly forTeams = new Map<string, { readonly exerciseId: string; messages: ActionMessage[]; readonly timer: NodeJS.Timeout }>();

  /**
   * Per team: where this node's room is in the stream. With several nodes a team's events come
   * from whichever node owns the clock; when the owner dies between commit and publish, the next
   * owner's events arrive after a gap, which is filled from the log first (and repeats dropped),
   * so a socket on any node sees one stream without loss, repeat or reordering.
   */
  private readonly streams = new Map<string, StreamCursor>();
  /** Messages of an exercise whose alert namer is being loaded (another node's exercise): sent in order once it is there. */
  private readonly awaitingNamer = new Map<string, ExerciseMessage[]>();

  constructor(
    @Inject(ExerciseBus) private readonly bus: ExerciseBus,
    @Inject(AlertRefService) private readonly alertRefs: AlertRefService,
    @Inject(ExerciseRuntime) private readonly runtime: ExerciseRuntime,
  ) {}

  /** Starts publishing to the gateway's namespace (what every node's exercises publish). */
  attach(server: ExerciseNamespace): void {
    this.server = server;
    this.unsubscribe = this.bus.subscribeAll((message) => this.onBusMessage(message));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const { timer } of this.forInstructors.values()) clearTimeout(timer);
    this.forInstructors.clear();
    for (const { timer } of this.forTeams.values()) clearTimeout(timer);
    this.forTeams.clear();
  }

  /** Buffers what the team's stream publishes for a socket until endCatchUp(). */
  beginCatchUp(teamId: string, socket: ExerciseSocket, withActions: boolean): CatchUp {
    const catchUp: CatchUp = { socket, buffer: [], actions: withActions ? [] : null };
    let set = this.catchUps.get(teamId);
    if (!set) this.catchUps.set(teamId, (set = new Set()));
    set.add(catchUp);
    return catchUp;
  }

  endCatchUp(teamId: string, catchUp: CatchUp): void {
    this.catchUps.get(teamId)?.delete(catchUp);
  }

  /** The socket has had the team's actions up to `seq` from its replay: later publications send only newer ones. */
  actionsReplayed(teamId: string, socketId: string, seq: number): void {
    let replayedTo = this.actionsReplayedTo.get(teamId);
    if (!replayedTo) this.actionsReplayedTo.set(teamId, (replayedTo = new Map<string, number>()));
    replayedTo.set(socketId, seq);
  }

  leftTeam(teamId: string, socketId: string): void {
    this.actionsReplayedTo.get(teamId)?.delete(socketId);
  }

  disconnected(socket: ExerciseSocket): void {
    for (const set of this.catchUps.values()) for (const catchUp of set) if (catchUp.socket === socket) set.delete(catchUp);
    for (const [teamId, sockets] of this.actionsReplayedTo) {
      sockets.delete(socket.id);
      if (sockets.size === 0) this.actionsReplayedTo.delete(teamId);
    }
  }

  /**
   * Sends `exercise:ended` to a socket once per join. A socket still joining keeps it: its join
   * sends it after the replay.
   */
  sendEnded(socket: ExerciseSocket, message: ExerciseEndedMessage): void {
    const joining = socket.data.joining;
    if (joining?.has(message.exerciseId)) {
      joining.set(message.exerciseId, message);
      return;
    }
    if (!socket.connected || !socket.rooms.has(exerciseRoom(message.exerciseId))) return;
    const sent = (socket.data.endedSent ??= new Set());
    if (sent.has(message.exerciseId)) return;
    sent.add(message.exerciseId);
    socket.emit('exercise:ended', message);
  }

  private onBusMessage(message: ExerciseMessage): void {
    if (!this.server) return;
    const queued = this.awaitingNamer.get(message.exerciseId);
    if (queued) {
      queued.push(message);
      return;
    }
    if (this.alertRefs.cached(message.exerciseId)) {
      this.dispatch(message);
      return;
    }
    // The owner primes its namer when it loads the exercise; another node loads it here, holding
    // the exercise's messages meanwhile so that they keep their order.
    const waiting: ExerciseMessage[] = [message];
    this.awaitingNamer.set(message.exerciseId, waiting);
    const release = () => {
      this.awaitingNamer.delete(message.exerciseId);
      for (const m of waiting) this.dispatch(m);
    };
    this.alertRefs.namer(message.exerciseId).then(release, release);
  }

  private dispatch(message: ExerciseMessage): void {
    switch (message.type) {
      case 'events':
        this.onEvents(message.exerciseId, message.teamId, message.events);
        return;
      case 'heads':
        for (const head of message.heads) {
          const stream = this.streams.get(head.teamId);
          if (stream === undefined || head.seq <= stream.last) continue;
          stream.fillTo = Math.max(stream.fillTo, head.seq);
          if (!stream.filling) void this.fill(stream, head.teamId);
        }
        return;
      case 'clock': {
        // Actions committed before the clock changed reach the teams and the cockpit before it (and before the end).
        for (const [teamId, queued] of this.forTeams) if (queued.exerciseId === message.exerciseId) this.flushTeamActions(teamId, false);
        this.flushInstructorActions(message.exerciseId);
        this.broadcast(exerciseRoom(message.exerciseId), 'exercise:clock', () => ({ exerciseId: message.exerciseId, clock: message.clock }));
        const ended = endedMessage(message.exerciseId, message.clock.status, message.clock);
        if (ended) {
          this.broadcastEnded(ended);
          for (const [teamId, stream] of this.streams) if (stream.exerciseId === message.exerciseId && !stream.filling) this.streams.delete(teamId);
        }
        return;
      }
      case 'scores':
        this.broadcast(instructorRoom(message.exerciseId), 'exercise:scores', () => message.instructor);
        // Instructors sit in every team room too: they get the instructor view only.
        for (const team of message.teams) this.broadcast(teamRoom(team.teamId), 'exercise:scores', () => team.view, instructorRoom(message.exerciseId));
        return;
      case 'action':
        for (const catchUp of this.catchUps.get(message.teamId) ?? []) catchUp.actions?.push(message);
        this.queueForTeam(message);
        return;
      default: {
        const never: never = message;
        this.logger.warn(`Unknown bus message ${JSON.stringify(never)}`);
      }
    }
  }

  /** Sends a team's events in seq order: repeats are dropped, and a gap is filled from the log first. */
  private onEvents(exerciseId: string, teamId: string, events: readonly LoggedEvent[]): void {
    if (events.length === 0) return;
    let stream = this.streams.get(teamId);
    if (stream === undefined) {
      stream = { exerciseId, last: events[0]!.seq - 1, filling: false, waiting: [], fillTo: 0 };
      this.streams.set(teamId, stream);
    }
    if (stream.filling) {
      stream.waiting.push(...events);
      return;
    }
    const fresh = events.filter((e) => e.seq > stream.last);
    if (fresh.length === 0) return;
    if (fresh[0]!.seq > stream.last + 1) {
      stream.waiting.push(...fresh);
      void this.fill(stream, teamId);
      return;
    }
    stream.last = fresh[fresh.length - 1]!.seq;
    this.sendEvents(exerciseId, teamId, fresh);
  }

  /** Reads the events missing from this node's stream from the log, then sends them and what waited, in order. */
  private async fill(stream: StreamCursor, teamId: string): Promise<void> {
    stream.filling = true;
    try {
      for (;;) {
        const target = Math.max(stream.fillTo, (stream.waiting[0]?.seq ?? 0) - 1);
        if (target <= stream.last) break;
        const page = await this.runtime.eventsAfter(stream.exerciseId, teamId, stream.last, Math.min(FILL_PAGE, target - stream.last));
        if (page.length === 0) break;
        stream.last = page[page.length - 1]!.seq;
        this.sendEvents(stream.exerciseId, teamId, page);
      }
    } catch (error) {
      this.logger.error(
        `Exercise ${stream.exerciseId}: could not read missing events of team ${teamId}: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      stream.filling = false;
      const waiting = stream.waiting.splice(0).sort((a, b) => a.seq - b.seq);
      // The log had nothing more: go on from what came (a gap the log cannot fill is not waited for forever).
      if (waiting.length > 0 && waiting[0]!.seq > stream.last + 1) stream.last = waiting[0]!.seq - 1;
      this.onEvents(stream.exerciseId, teamId, waiting);
    }
  }

  private sendEvents(exerciseId: string, teamId: string, events: readonly LoggedEvent[]): void {
    for (const catchUp of this.catchUps.get(teamId) ?? []) catchUp.buffer.push(...events);
    this.withNamer(exerciseId, (namer) =>
      this.broadcast(teamRoom(teamId), 'exercise:events', () =>
        streamBatch(
          exerciseId,
          teamId,
          events.map((e) => namer.outgoingEvent(e)),
          false,
        ),
      ),
    );
  }

  /**
   * Sends committed actions to the team's trainees as they are published, and queues them for the
   * exercise's instructors (see INSTRUCTOR_ACTIONS_INTERVAL_MS), who sit in every team's room.
   */
  private sendTeamActions(exerciseId: string, teamId: string, messages: readonly ActionMessage[]): void {
    this.withNamer(exerciseId, (namer) => {
      const room = teamRoom(teamId);
      const instructors = this.server!.adapter.rooms.get(instructorRoom(exerciseId));
      const replayedTo = this.actionsReplayedTo.get(teamId);
      // Sockets that replayed the team's actions on joining get only the actions they have not had.
      const apart = new Set<string>();
      if (replayedTo !== undefined) {
        const lastSeq = messages[messages.length - 1]!.action.seq;
        for (const [socketId, sentSeq] of replayedTo) {
          if (instructors?.has(socketId)) continue; // the instructors' message applies the same rule
          apart.add(socketId);
          // Later messages hold later actions only: past this one, the socket is like any other.
          if (sentSeq < lastSeq) replayedTo.delete(socketId);
          const rest = messages.filter((m) => m.action.seq > sentSeq);
          if (rest.length > 0) this.broadcastTo([socketId], 'team:actions', () => teamActionsPayload(rest, namer));
        }
        if (replayedTo.size === 0) this.actionsReplayedTo.delete(teamId);
      }
      if (instructors !== undefined && instructors.size > 0) {
        this.broadcast(room, 'team:actions', () => teamActionsPayload(messages, namer), new Set([...apart, ...instructors]));
        this.queueForInstructors(exerciseId, messages);
      } else {
        this.broadcast(room, 'team:actions', () => teamActionsPayload(messages, namer), apart.size > 0 ? apart : undefined);
      }
    });
  }

  /** Sends at once if the team's window is closed (and opens one), else keeps the action for the window's end. */
  private queueForTeam(message: ActionMessage): void {
    const queued = this.forTeams.get(message.teamId);
    if (queued) {
      queued.messages.push(message);
      return;
    }
    this.sendTeamActions(message.exerciseId, message.teamId, [message]);
    this.openTeamWindow(message.teamId, message.exerciseId);
  }

  private openTeamWindow(teamId: string, exerciseId: string): void {
    const timer = setTimeout(() => this.flushTeamActions(teamId, true), TEAM_ACTIONS_INTERVAL_MS);
    timer.unref();
    this.forTeams.set(teamId, { exerciseId, messages: [], timer });
  }

  /** The window ended (or the clock changed): what waited goes out; a window that sent something stays open once more. */
  private flushTeamActions(teamId: string, reopen: boolean): void {
    const queued = this.forTeams.get(teamId);
    if (!queued) return;
    this.forTeams.delete(teamId);
    clearTimeout(queued.timer);
    if (queued.messages.length === 0) return;
    this.sendTeamActions(queued.exerciseId, teamId, queued.messages);
    if (reopen) this.openTeamWindow(teamId, queued.exerciseId);
  }

  private queueForInstructors(exerciseId: string, messages: readonly ActionMessage[]): void {
    const queued = this.forInstructors.get(exerciseId);
    if (queued) {
      queued.messages.push(...messages);
      return;
    }
    const timer = setTimeout(() => this.flushInstructorActions(exerciseId), INSTRUCTOR_ACTIONS_INTERVAL_MS);
    timer.unref();
    this.forInstructors.set(exerciseId, { messages: [...messages], timer });
  }

  /**
   * One `team:actions` message of every team's queued actions to the exercise's instructors. An
   * instructor still joining a team, or who replayed its actions, gets only the team's actions it
   * has not had (the same rule as for trainees).
   */
  private flushInstructorActions(exerciseId: string): void {
    const queued = this.forInstructors.get(exerciseId);
    if (!queued) return;
    this.forInstructors.delete(exerciseId);
    clearTimeout(queued.timer);
    const server = this.server!;
    const instructors = server.adapter.rooms.get(instructorRoom(exerciseId));
    if (instructors === undefined || instructors.size === 0) return;
    const { messages } = queued;
    const lastSeqOf = new Map<string, number>();
    for (const m of messages) lastSeqOf.set(m.teamId, Math.max(lastSeqOf.get(m.teamId) ?? 0, m.action.seq));
    const namer = this.alertRefs.cached(exerciseId);
    if (!namer) {
      // Evicted since the actions were sent to the teams: name them asynchronously, as sendTeamActions does.
      this.withNamer(exerciseId, () => {
        const later = this.forInstructors.get(exerciseId);
        if (later) later.messages.unshift(...messages);
        else this.queueForInstructors(exerciseId, messages);
      });
      return;
    }
    const apart = new Set<string>();
    for (const socketId of instructors) {
      const socket = server.sockets.get(socketId);
      if (!socket) continue;
      const partial = [...lastSeqOf.keys()].some((teamId) => !socket.rooms.has(teamRoom(teamId)) || this.actionsReplayedTo.get(teamId)?.has(socketId));
      if (!partial) continue;
      apart.add(socketId);
      const rest = messages.filter(
        (m) => socket.rooms.has(teamRoom(m.teamId)) && m.action.seq > (this.actionsReplayedTo.get(m.teamId)?.get(socketId) ?? Number.NEGATIVE_INFINITY),
      );
      if (rest.length > 0) this.broadcastTo([socketId], 'team:actions', () => teamActionsPayload(rest, namer));
    }
    for (const [teamId, lastSeq] of lastSeqOf) {
      const replayedTo = this.actionsReplayedTo.get(teamId);
      if (replayedTo === undefined) continue;
      for (const [socketId, sentSeq] of replayedTo) if (instructors.has(socketId) && sentSeq < lastSeq) replayedTo.delete(socketId);
      if (replayedTo.size === 0) this.actionsReplayedTo.delete(teamId);
    }
    this.broadcast(instructorRoom(exerciseId), 'team:actions', () => teamActionsPayload(messages, namer), apart.size > 0 ? apart : undefined);
  }

  /**
   * The exercise has ended: every socket that joined it gets `exercise:ended` once, after the
   * events and actions published before it (a socket still replaying gets it from its join, after the replay).
   */
  private broadcastEnded(message: ExerciseEndedMessage): void {
    const server = this.server!;
    const members = server.adapter.rooms.get(exerciseRoom(message.exerciseId));
    if (members === undefined || members.size === 0) return;
    for (const id of [...members]) {
      const socket = server.sockets.get(id);
      if (socket) this.sendEnded(socket, message);
    }
  }

  /**
   * Sends `event` to the sockets in `room` (less those in `except`: a room, or socket ids) at once.
   * A socket still replaying is not in the room yet: its join sends what it buffered.
   */
  private broadcast<E extends keyof ServerToClientEvents>(
    room: string,
    event: E,
    payload: () => Parameters<ServerToClientEvents[E]>[0],
    except?: string | ReadonlySet<string>,
  ): void {
    const server = this.server!;
    const members = server.adapter.rooms.get(room);
    if (members === undefined || members.size === 0) return;
    // This node's sockets only: every node gets every exercise's messages (see attach()) and sends them to its own.
    const target = except === undefined ? server.local.to(room) : server.local.to(room).except(typeof except === 'string' ? except : [...except]);
    emitTo(target, event, payload());
  }

  /** broadcast() to these sockets (by id) only. */
  private broadcastTo<E extends keyof ServerToClientEvents>(ids: string[], event: E, payload: () => Parameters<ServerToClientEvents[E]>[0]): void {
    emitTo(this.server!.local.to(ids), event, payload());
  }

  /**
   * Runs `send` with the exercise's alert namer. The runtime primes it when it loads an exercise,
   * so a live message finds it at once and keeps its order; the fallback only covers an evicted entry.
   */
  private withNamer(exerciseId: string, send: (namer: AlertRefNamer) => void): void {
    const namer = this.alertRefs.cached(exerciseId);
    if (namer) {
      send(namer);
      return;
    }
    this.alertRefs.namer(exerciseId).then(send, (error: unknown) => {
      this.logger.error(`Exercise ${exerciseId}: cannot name alerts, message dropped: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}
