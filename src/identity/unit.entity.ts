import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A department of an organisation (e.g. Công an tỉnh, Sở Y tế); every user sits in one. */
@Entity({ name: 'units' })
@Index(['orgId', 'code'], { unique: true })
export class UnitEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ type: 'varchar', length: 40 })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;
}
