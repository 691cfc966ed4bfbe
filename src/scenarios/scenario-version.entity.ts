import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The `owner` of the shared, read-only library (bundled drills and published copies). */
export const SHARED_OWNER = 'shared';
/** The `owner` of uploads the ownership migration could not attribute: visible to nobody. */
export const UNOWNED = 'unowned';

/** One stored version of a scenario. Rows are never updated: a change is a new row. */
@Entity({ name: 'scenario_versions' })
@Index(['owner', 'scenarioId', 'contentHash'], { unique: true })
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
  origin!: 'bundled' | 'upload' | 'copy' | 'published';

  /**
   * Whose it is: an organisation id, SHARED_OWNER or UNOWNED. Scenario ids are unique per owner,
   * so two provinces may each have their own "phishing-drill" without learning of the other.
   */
  @Column({ type: 'varchar', length: 40 })
  owner!: string;

  /** The version this one was copied or published from (a copy or a publication). */
  @Column({ name: 'derived_from', type: 'varchar', length: 36, nullable: true })
  derivedFrom!: string | null;

  /** `<scenarioId>@<version>` of that source, kept so a summary reads without a join. */
  @Column({ name: 'derived_label', type: 'varchar', length: 120, nullable: true })
  derivedLabel!: string | null;

  /** For a published shared scenario: the organisation that published it (only it may publish newer versions). */
  @Column({ name: 'publisher_org_id', type: 'varchar', length: 36, nullable: true })
  publisherOrgId!: string | null;

  /** That organisation's name at publication, shown as the library's byline. */
  @Column({ name: 'publisher_name', type: 'text', nullable: true })
  publisherName!: string | null;

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
