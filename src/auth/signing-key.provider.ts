import { randomBytes } from 'node:crypto';
import { Logger, type Provider } from '@nestjs/common';
import { getRepositoryToken } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { SystemSecretEntity } from './system-secret.entity.js';

export const SIGNING_KEY = Symbol('SIGNING_KEY');
const SECRET_NAME = 'jwt-signing-key';

/**
 * The HS256 key for access tokens: JWT_SECRET when set (required in production). In demo mode
 * without it, a random key is generated once and kept in the database so tokens survive a restart;
 * there is never a built-in key.
 */
export async function resolveSigningKey(config: Pick<AppConfig, 'JWT_SECRET' | 'demoMode'>, repository: Repository<SystemSecretEntity>): Promise<Uint8Array> {
  if (config.JWT_SECRET) return Buffer.from(config.JWT_SECRET, 'utf8');
  if (!config.demoMode) throw new Error('JWT_SECRET is required outside demo mode');
  const stored = await repository.findOne({ where: { name: SECRET_NAME } });
  if (stored) return Buffer.from(stored.value, 'base64url');
  const value = randomBytes(48).toString('base64url');
  // Another instance may race us to it; whichever row won is the key.
  await repository.createQueryBuilder().insert().values({ name: SECRET_NAME, value, createdAt: new Date().toISOString() }).orIgnore().execute();
  const winner = await repository.findOneOrFail({ where: { name: SECRET_NAME } });
  new Logger('Auth').warn('Demo mode: no JWT_SECRET set, generated a random signing key and stored it in the database');
  return Buffer.from(winner.value, 'base64url');
}

export const signingKeyProvider: Provider = {
  provide: SIGNING_KEY,
  inject: [APP_CONFIG, getRepositoryToken(SystemSecretEntity)],
  useFactory: (config: AppConfig, secrets: Repository<SystemSecretEntity>) => resolveSigningKey(config, secrets),
};
