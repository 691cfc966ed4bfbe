import { availableParallelism } from 'node:os';
import { ConfigError, defaultScoringWorkers, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('has working defaults for the embedded demo mode', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, demoMode: true, databaseUrl: 'sqlite:./data/soc-drill.sqlite' });
  });

  it('sizes the scoring workers by the cores, 2 to 4, unless SCORING_WORKERS says otherwise', () => {
    expect([1, 2, 3, 4, 8, 64].map(defaultScoringWorkers)).toEqual([2, 2, 3, 4, 4, 4]);
    expect(loadConfig({}).SCORING_WORKERS).toBe(defaultScoringWorkers(availableParallelism()));
    expect(loadConfig({ SCORING_WORKERS: '0' }).SCORING_WORKERS).toBe(0);
    expect(loadConfig({ SCORING_WORKERS: '7' }).SCORING_WORKERS).toBe(7);
    expect(() => loadConfig({ SCORING_WORKERS: 'many' })).toThrow(ConfigError);
  });

    it('names the variable at fault', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: '70000', LOG_LEVEL: 'loud' });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^PORT: .*70000/), expect.stringMatching(/^LOG_LEVEL: /)]);
    }
  });

  it('requires a signing secret in production, and never echoes secrets', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    try {
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' });
    } catch (error) {
      expect((error as ConfigError).message).not.toContain('short');
    }
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }).demoMode).toBe(false);
  });

  it('accepts a PostgreSQL URL for the scale-out mode', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://localhost/socdrill' }).databaseUrl).toBe('postgres://localhost/socdrill');
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });
});
