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
      trustProxy: 'loopback, linklocal, uniquelocal',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when TRUST_PROXY is set, then it is false or a normalised list, and trusting every peer or a malformed entry is refused', () => {
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'loopback,10.0.0.5/32 , fd00::/8' }).trustProxy).toBe(
      'loopback, 10.0.0.5/32, fd00::/8',
    );
    for (const value of ['true', '10.0.0.0/33', 'proxy.example.com', '10.0.0.0/8/1', 'loopback,,']) {
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/^Invalid TRUST_PROXY/);
    }
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

  it('when the webhook settings are not set, then deliveries go to public addresses only, 8 attempts from 30 s apart', () => {
    expect(loadConfig({}).webhooks).toEqual({
      secretKey: undefined,
      allowPrivateTargets: false,
      timeoutSeconds: 10,
      maxAttempts: 8,
      retryDelaySeconds: 30,
    });
  });

  it('when WEBHOOK_SECRET_KEY is 32 bytes in hex or base64, then it is the sealing key', () => {
    const bytes = Buffer.alloc(32, 7);
    expect(loadConfig({ WEBHOOK_SECRET_KEY: bytes.toString('hex') }).webhooks.secretKey).toEqual(bytes);
    expect(loadConfig({ WEBHOOK_SECRET_KEY: bytes.toString('base64') }).webhooks.secretKey).toEqual(bytes);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }).webhooks.allowPrivateTargets).toBe(true);
  });

  it('when WEBHOOK_SECRET_KEY is not a 32-byte key, then the message names it without echoing the value', () => {
    for (const value of ['hunter2-not-a-key', Buffer.alloc(16, 1).toString('base64'), 'ab'.repeat(31)]) {
      expect(() => loadConfig({ WEBHOOK_SECRET_KEY: value })).toThrow(
        /^Invalid WEBHOOK_SECRET_KEY: must be 32 random bytes/,
      );
      try {
        loadConfig({ WEBHOOK_SECRET_KEY: value });
      } catch (error) {
        expect((error as Error).message).not.toContain(value);
      }
    }
  });
});
