import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One failed login for an account name (existing or not), kept until a successful login or an hour has passed. */
@Entity({ name: 'login_failures' })
export class LoginFailureEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The normalised name tried: unknown names are counted too, so a lockout does not reveal which names exist. */
  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ name: 'at_ms', type: 'bigint' })
  atMs!: string;

  @Column({ name: 'client_ip', type: 'varchar', length: 64, nullable: true })
  clientIp!: string | null;
}
