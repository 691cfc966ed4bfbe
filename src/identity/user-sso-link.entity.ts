import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The identity-provider account a user signs in with: (issuer, subject) is the provider's stable,
 * unique name for a person, so a local account is found by it and never by a username that
 * happens to match. A user with a link has no password.
 */
@Entity({ name: 'user_sso_links' })
@Index('ux_user_sso_links_issuer_subject', ['issuer', 'subject'], { unique: true })
export class UserSsoLinkEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 512 })
  issuer!: string;

  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ name: 'last_login_at', type: 'varchar', length: 32 })
  lastLoginAt!: string;
}
