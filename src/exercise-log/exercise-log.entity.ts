import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The exercise's event log: every event delivered to a team, with its per-team sequence number.
 * Written before it is emitted; it is what a reconnecting client catches up from.
 */
@Entity({ name: 'exercise_events' })
export class ExerciseEventEntity {
  @PrimaryColumn({ name: 'team_id', type: 'varchar', length: 36 })
  teamId!: string;

  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ name: 'exercise_id', type: 'varchar', length: 36 })
  exerciseId!: string;

  @Column({ name: 'event_id', type: 'varchar', length: 120 })
  eventId!: string;

  @Column({ name: 'virtual_ms', type: 'bigint' })
  virtualMs!: string;

  @Column({ name: 'delivered_virtual_ms', type: 'bigint' })
  deliveredVirtualMs!: string;

  @Column({ name: 'scheduled_wall_ms', type: 'bigint' })
  scheduledWallMs!: string;

  @Column({ name: 'catch_up', type: 'boolean' })
  catchUp!: boolean;

  @Column({ type: 'varchar', length: 16 })
  origin!: 'timeline' | 'noise' | 'inject';

  /** The trainee-facing alert (JSON): never the answer key. */
  @Column({ type: 'text' })
  payload!: string;
}

/**
 * Every input that changed a team's stream (trainee actions, injects, seeks), in order.
 * With the scenario and seed it rebuilds the engine exactly; it is never updated.
 */
@Entity({ name: 'exercise_journal' })
export class ExerciseJournalEntity {
  @PrimaryColumn({ name: 'exercise_id', type: 'varchar', length: 36 })
  exerciseId!: string;

  @PrimaryColumn({ type: 'integer' })
  ordinal!: number;

  @Column({ type: 'varchar', length: 16 })
  type!: 'action' | 'inject' | 'seek';

  @Column({ name: 'team_id', type: 'varchar', length: 36, nullable: true })
  teamId!: string | null;

  /**
   * Client-generated id of a trainee action: a retry with the same id is not applied twice. Unique
   * per exercise (index ux_exercise_journal_action), so the database holds the line.
   */
  @Column({ name: 'action_id', type: 'varchar', length: 64, nullable: true })
  actionId!: string | null;

  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true })
  userId!: string | null;

  @Column({ name: 'virtual_ms', type: 'bigint' })
  virtualMs!: string;

  @Column({ name: 'wall_ms', type: 'bigint' })
  wallMs!: string;

  @Column({ type: 'text' })
  payload!: string;

  /** Trainee triage actions: 1, 2, ... per team in commit order (null for other entries). */
  @Column({ name: 'team_seq', type: 'integer', nullable: true })
  teamSeq!: number | null;

  /** Trainee triage actions: the RecordedAction (full action, result, user) as JSON. */
  @Column({ type: 'text', nullable: true })
  detail!: string | null;
}
