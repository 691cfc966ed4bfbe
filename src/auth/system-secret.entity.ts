import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Server-generated secrets that must survive a restart (the demo-mode token signing key). */
@Entity({ name: 'system_secrets' })
export class SystemSecretEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'text' })
  value!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;
}
