import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A user's saved log search (Tra cứu nhật ký): private to its owner, usable in any exercise. */
@Entity({ name: 'saved_log_queries' })
@Index('ix_saved_log_queries_user', ['userId'])
export class SavedLogQueryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 120 })
  name!: string;

  @Column({ type: 'text' })
  query!: string;

  @Column({ name: 'columns_json', type: 'text' })
  columnsJson!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;
}
