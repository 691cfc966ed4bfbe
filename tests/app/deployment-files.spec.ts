import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AppConfigSchema } from '../../src/config/app-config';

/**
 * This machine has no Docker engine, so the container files are checked for structure here: what
 * they declare, and that every setting they pass is one the server knows.
 */
const ROOT = join(__dirname, '..', '..');
const SETTINGS = new Set(Object.keys(AppConfigSchema.shape));

interface ComposeService {
  image?: string;
  build?: unknown;
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test?: string[] | string; interval?: string; retries?: number };
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

describe('compose.yaml', () => {
  const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8')) as ComposeFile;

  it('has the app, PostgreSQL and Redis, each with a health check and a named volume', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'postgres', 'redis']);
    for (const [name, service] of Object.entries(compose.services)) {
      expect([name, Array.isArray(service.healthcheck?.test) && service.healthcheck.test.length > 0]).toEqual([name, true]);
      for (const mount of service.volumes ?? []) {
        const volume = mount.split(':')[0]!;
        expect([name, volume, volume in compose.volumes]).toEqual([name, volume, true]);
      }
    }
    expect(compose.services.app!.volumes).toEqual(['data:/data']);
    expect(compose.services.app!.healthcheck!.test).toEqual(expect.arrayContaining([expect.stringContaining('/api/health/ready')]));
  });

  it('runs the app on its embedded database: PostgreSQL and Redis only start with the multi-node profile', () => {
    const app = compose.services.app!;
    expect(app.build).toBe('.');
    expect(app.profiles).toBeUndefined();
    expect(app.environment).not.toHaveProperty('DATABASE_URL');
    expect(compose.services.postgres!.profiles).toEqual(['multi-node']);
    expect(compose.services.redis!.profiles).toEqual(['multi-node']);
  });

  it('passes the app only settings the server knows, in production mode with a required secret', () => {
    const environment = compose.services.app!.environment!;
    expect(Object.keys(environment).filter((key) => !SETTINGS.has(key))).toEqual([]);
    expect(environment.NODE_ENV).toBe('production');
    expect(environment.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const finalStage = instructions.slice(instructions.map((line) => line.startsWith('FROM ')).lastIndexOf(true));

  it('builds in one stage and runs from node:20-bookworm-slim in another', () => {
    expect(instructions.filter((line) => line.startsWith('FROM '))).toEqual(['FROM node:20-bookworm-slim AS build', 'FROM node:20-bookworm-slim']);
    expect(finalStage.filter((line) => line.startsWith('COPY '))).toEqual(expect.arrayContaining([expect.stringMatching(/^COPY --from=build /)]));
  });

  it('runs as the unprivileged node user, with Debian chromium, a data volume and a readiness health check', () => {
    expect(finalStage).toContain('USER node');
    expect(finalStage.find((line) => line.startsWith('RUN apt-get'))).toMatch(/install -y --no-install-recommends chromium/);
    expect(finalStage).toContain('VOLUME ["/data"]');
    expect(finalStage.find((line) => line.startsWith('HEALTHCHECK'))).toContain('/api/health/ready');
    expect(finalStage.at(-1)).toBe('CMD ["node", "dist/main.js"]');
  });

  it('sets only settings the server knows', () => {
    const env = finalStage.find((line) => line.startsWith('ENV '))!;
    const keys = [...env.slice(4).matchAll(/([A-Z_]+)=/g)].map((match) => match[1]!);
    expect(keys).toEqual(['NODE_ENV', 'HOST', 'PORT', 'DATA_DIR', 'CHROMIUM_PATH']);
    expect(keys.filter((key) => !SETTINGS.has(key))).toEqual([]);
  });
});
