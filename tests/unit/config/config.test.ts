import { ConfigError, loadConfig } from '../../../src/config/config.js';

describe('configuration from the environment', () => {
  it('when nothing is set, then the embedded defaults apply', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.logLevel).toBe('info');
    expect(config.renderConcurrency).toBeGreaterThanOrEqual(1);
    expect(config).toMatchObject({
      rateLimitPerMinute: 600,
      authFailureLimit: 30,
      authFailureWindowSeconds: 300,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when values are set, then they are parsed and normalised', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/vcio',
      PUBLIC_URL: 'https://vcio.example.com/',
      RENDER_CONCURRENCY: '3',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://u:p@db:5432/vcio',
      publicUrl: 'https://vcio.example.com',
      renderConcurrency: 3,
      logLevel: 'debug',
    });
  });

  it('when DATABASE_URL is empty, then it counts as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, /^Invalid PORT \(got "eighty"\): must be a whole number$/],
    [{ PORT: '70000' }, /^Invalid PORT \(got "70000"\): must be at most 65535$/],
    [
      { LOG_LEVEL: 'loud' },
      /^Invalid LOG_LEVEL \(got "loud"\): must be one of fatal, error, warn, info, debug, trace, silent$/,
    ],
    [
      { DATABASE_URL: 'mysql://x' },
      /^Invalid DATABASE_URL \(got "mysql:\/\/x"\): must be a postgres:\/\/ or postgresql:\/\/ URL$/,
    ],
    [{ RENDER_CONCURRENCY: '0' }, /^Invalid RENDER_CONCURRENCY \(got "0"\): must be at least 1$/],
    [{ AUTH_FAILURE_LIMIT: '0' }, /^Invalid AUTH_FAILURE_LIMIT \(got "0"\): must be at least 1$/],
    [
      { AUTH_FAILURE_WINDOW_SECONDS: '1 day' },
      /^Invalid AUTH_FAILURE_WINDOW_SECONDS \(got "1 day"\): must be a whole number$/,
    ],
    [{ PUBLIC_URL: 'not a url' }, /^Invalid PUBLIC_URL \(got "not a url"\)/],
  ])('when %j is wrong, then one readable line names the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
