import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One stored version of a scenario. Rows are never updated: a change is a new row. */
@Entity({ name: 'scenario_versions' })
@Index(['scenarioId', 'contentHash'], { unique: true })
export class ScenarioVersionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'scenario_id', type: 'varchar', length: 80 })
  scenarioId!: string;

  @Column({ type: 'varchar', length: 32 })
  version!: string;

  @Column({ name: 'content_hash', type: 'varchar', length: 64 })
  contentHash!: string;

  @Column({ name: 'title_vi', type: 'text' })
  titleVi!: string;

  @Column({ name: 'title_en', type: 'text' })
  titleEn!: string;

  @Column({ type: 'varchar', length: 16 })
  origin!: 'bundled' | 'upload';

  @Column({ type: 'varchar', length: 8 })
  format!: 'yaml' | 'json';

  /** The file exactly as written, so instructors can read and edit what they uploaded. */
  @Column({ name: 'source_text', type: 'text' })
  sourceText!: string;

  /** The parsed, normalised scenario (JSON) the engine runs. */
  @Column({ name: 'normalized_json', type: 'text' })
  normalizedJson!: string;

  @Column({ name: 'event_count', type: 'integer' })
  eventCount!: number;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;
}
