import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import type { ExerciseEndedMessage, JoinExercise, JoinResult, LeaveExercise } from '../contracts/realtime.schema.js';
import { AlertRefService } from '../exercises/alert-ref.service.js';
import { ExerciseRuntime } from '../exercises/exercise-runtime.service.js';
import { ExercisesService } from '../exercises/exercises.service.js';
import { TriageService } from '../triage/triage.service.js';
import { ExercisePublisher } from './exercise-publisher.js';
import {
  endedMessage,
  type ExerciseSocket,
  exerciseRoom,
  instructorRoom,
  replayedAction,
  streamBatch,
  teamActionsPayload,
  teamRoom,
} from './realtime-sockets.js';

const REPLAY_PAGE = 1000;

/**
 * `exercise:join` and `exercise:leave`: decides server-side which team streams a socket may join,
 * replays the log after the client's last sequence number and then puts the socket in the rooms
 * the publisher sends to — in order, without gap or duplicate.
 */
@Injectable()
export class ExerciseJoins {
  constructor(
    @Inject(ExercisesService) private readonly exercises: ExercisesService,
    @Inject(ExerciseRuntime) private readonly runtime: ExerciseRuntime,
    @Inject(TriageService) private readonly triage: TriageService,
    @Inject(AlertRefService) private readonly alertRefs: AlertRefService,
    @Inject(ExercisePublisher) private readonly publisher: ExercisePublisher,
  ) {}

  /**
   * Joins the exercise: the server decides which team streams (own team for a trainee, every team
   * for the exercise's instructors), sends everything after the client's last seq (events, and with
   * `lastActionSeq` the team's committed actions), then goes live. A team stream the socket is in
   * already replays nothing; joins of one socket run in turn (see the gateway's dispatch()), so two
   * joins at once never replay twice. Replayed `team:actions` all arrive before the ack, before any live ones.
   */
  async join(socket: ExerciseSocket, input: JoinExercise): Promise<JoinResult> {
    const user = socket.data.user;
    const access = await this.exercises.access(user, input.exerciseId);
    if (!access.canControl && !access.teamId) throw new AppError('NOT_TEAM_MEMBER', "Only the exercise's teams and instructors can join its stream");
    const teams = access.canControl ? access.teamIds : [access.teamId!];
    const lastSeqOf = (teamId: string) => (typeof input.lastSeq === 'number' ? input.lastSeq : (input.lastSeq[teamId] ?? 0));
    const lastActionSeq = input.lastActionSeq;
    const lastActionSeqOf = (teamId: string): number | null =>
      lastActionSeq === undefined ? null : typeof lastActionSeq === 'number' ? lastActionSeq : (lastActionSeq[teamId] ?? 0);
    const namer = await this.alertRefs.namer(input.exerciseId);
    const joining = (socket.data.joining ??= new Map<string, ExerciseEndedMessage | null>());
    joining.set(input.exerciseId, null);
    try {
      await socket.join(exerciseRoom(input.exerciseId));
      if (access.canControl) await socket.join(instructorRoom(input.exerciseId));
      const replayed: JoinResult['teams'] = [];
      for (const teamId of teams) {
        const from = lastSeqOf(teamId);
        if (socket.rooms.has(teamRoom(teamId))) {
          replayed.push({ teamId, replayedFromSeq: from, replayedToSeq: from });
          continue;
        }
        const fromAction = lastActionSeqOf(teamId);
        const catchUp = this.publisher.beginCatchUp(teamId, socket, fromAction !== null);
        let lastSent = from;
        let lastActionSent = fromAction ?? 0;
        try {
          for (;;) {
            const page = await this.runtime.eventsAfter(input.exerciseId, teamId, lastSent, REPLAY_PAGE);
            if (page.length === 0) break;
            socket.emit(
              'exercise:events',
              streamBatch(
                input.exerciseId,
                teamId,
                page.map((e) => namer.outgoingEvent(e)),
                true,
              ),
            );
            lastSent = page[page.length - 1]!.seq;
            if (page.length < REPLAY_PAGE) break;
          }
          // The team's committed actions after the client's last one, from the log, in seq order.
          while (fromAction !== null) {
            const page = (await this.triage.actions(user, input.exerciseId, teamId, lastActionSent, REPLAY_PAGE)).actions;
            if (page.length === 0) break;
            socket.emit(
              'team:actions',
              page.map((action) => replayedAction(input.exerciseId, teamId, action)),
            );
            lastActionSent = page[page.length - 1]!.seq;
            if (page.length < REPLAY_PAGE) break;
          }
        } finally {
          this.publisher.endCatchUp(teamId, catchUp);
        }
        // From here to join() nothing awaits, so no live batch can slip between buffer and room.
        const missed = catchUp.buffer.filter((e) => e.seq > lastSent);
        if (missed.length > 0) {
          socket.emit(
            'exercise:events',
            streamBatch(
              input.exerciseId,
              teamId,
              missed.map((e) => namer.outgoingEvent(e)),
              false,
            ),
          );
          lastSent = missed[missed.length - 1]!.seq;
        }
        const missedActions = catchUp.actions?.filter((m) => m.action.seq > lastActionSent) ?? [];
        if (missedActions.length > 0) {
          socket.emit('team:actions', teamActionsPayload(missedActions, namer));
          lastActionSent = missedActions[missedActions.length - 1]!.action.seq;
        }
        if (socket.connected) {
          if (fromAction !== null) this.publisher.actionsReplayed(teamId, socket.id, lastActionSent);
          void socket.join(teamRoom(teamId));
        }
        replayed.push({ teamId, replayedFromSeq: from, replayedToSeq: lastSent });
      }
      // Read again: the exercise may have ended during the replay. Not exercises.view(): that loads
      // the whole roster, and a reconnect storm joins thousands at once.
      const exercise = await this.exercises.reload(access.exercise);
      const clock = await this.exercises.clockOf(exercise);
      const ended = joining.get(input.exerciseId) ?? endedMessage(input.exerciseId, exercise.status, clock);
      joining.delete(input.exerciseId);
      if (ended) this.publisher.sendEnded(socket, ended);
      return { exerciseId: input.exerciseId, clock, teams: replayed, role: access.canControl ? 'instructor' : 'trainee' };
    } finally {
      joining.delete(input.exerciseId);
    }
  }

  async leave(socket: ExerciseSocket, input: LeaveExercise): Promise<{ left: true }> {
    const { exerciseId } = input;
    const access = await this.exercises.access(socket.data.user, exerciseId);
    await socket.leave(exerciseRoom(exerciseId));
    await socket.leave(instructorRoom(exerciseId));
    for (const teamId of access.teamIds) {
      await socket.leave(teamRoom(teamId));
      this.publisher.leftTeam(teamId, socket.id);
    }
    socket.data.endedSent?.delete(exerciseId);
    return { left: true };
  }
}
