import { Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '../contracts/auth.schema.js';

@Entity({ name: 'user_roles' })
export class UserRoleEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  role!: Role;
}
