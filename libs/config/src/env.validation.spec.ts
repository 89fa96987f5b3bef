import { randomBytes } from 'node:crypto';
import { validateEnvironment } from './env.validation';

describe('validateEnvironment', () => {
  it('fills every default', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({ API_PORT: 3000, GATEWAY_PORT: 3001, EDGE_PORT: 8080, DEPLOYSPHERE_DATA_DIR: './.deploysphere', ROOT_DOMAIN: 'localhost' });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('converts numbers and booleans', () => {
    const env = validateEnvironment({ API_PORT: '4000', DATABASE_MIGRATE_ON_START: 'false' });
    expect(env.API_PORT).toBe(4000);
    expect(env.DATABASE_MIGRATE_ON_START).toBe(false);
  });

  it('names every bad variable and what it expects, in one message', () => {
    let message = '';
    try {
      validateEnvironment({ API_PORT: 'eighty', EDGE_PORT: '70000', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', ROOT_DOMAIN: 'Bad_Domain' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('API_PORT: must be an integer port number (0–65535; 0 picks a free port) (got "eighty")');
    expect(message).toContain('EDGE_PORT: must be an integer port number (0–65535; 0 picks a free port) (got "70000")');
    expect(message).toContain('DATABASE_URL: must be a postgresql:// connection URL (got "mysql://x")');
    expect(message).toMatch(/LOG_LEVEL: must be one of trace/);
    expect(message).toMatch(/ROOT_DOMAIN: must be a lower-case DNS name/);
  });

  it('takes DNS_RESOLVERS as a list of name server addresses, empty for the system resolvers', () => {
    expect(validateEnvironment({}).DNS_RESOLVERS).toBe('');
    expect(validateEnvironment({ DNS_RESOLVERS: '1.1.1.1, 10.0.0.2:5353,[::1]:53,2606:4700::1111' }).DNS_RESOLVERS).toBe('1.1.1.1, 10.0.0.2:5353,[::1]:53,2606:4700::1111');
    for (const bad of ['resolver.example.com', '1.1.1.1;8.8.8.8', 'http://1.1.1.1']) {
      expect(() => validateEnvironment({ DNS_RESOLVERS: bad })).toThrow(/DNS_RESOLVERS: must be a comma-separated list of name server addresses/);
    }
  });

  it('requires an encryption key of 32 bytes in production', () => {
    expect(() => validateEnvironment({ NODE_ENV: 'production' })).toThrow(/DEPLOYSPHERE_ENCRYPTION_KEY: is required/);
    expect(() => validateEnvironment({ NODE_ENV: 'production', DEPLOYSPHERE_ENCRYPTION_KEY: randomBytes(16).toString('base64') })).toThrow(/exactly 32 bytes/);
    expect(validateEnvironment({ NODE_ENV: 'production', DEPLOYSPHERE_ENCRYPTION_KEY: randomBytes(32).toString('base64') }).NODE_ENV).toBe('production');
  });

  it('rejects a short admin token', () => {
    expect(() => validateEnvironment({ DEPLOYSPHERE_ADMIN_TOKEN: 'short' })).toThrow(/DEPLOYSPHERE_ADMIN_TOKEN/);
  });

  it('fills and checks the source intake limits', () => {
    expect(validateEnvironment({})).toMatchObject({
      UPLOAD_MAX_COMPRESSED_BYTES: 104_857_600,
      UPLOAD_MAX_UNCOMPRESSED_BYTES: 524_288_000,
      UPLOAD_MAX_FILES: 50_000,
      UPLOAD_MAX_FILE_BYTES: 104_857_600,
      UPLOAD_MAX_COMPRESSION_RATIO: 200,
      GIT_CLONE_TIMEOUT_SECONDS: 120,
      API_WEBHOOK_BODY_LIMIT: '25mb',
    });
    expect(validateEnvironment({ UPLOAD_MAX_FILES: '10', GIT_CLONE_TIMEOUT_SECONDS: '30' })).toMatchObject({ UPLOAD_MAX_FILES: 10, GIT_CLONE_TIMEOUT_SECONDS: 30 });
    expect(() => validateEnvironment({ UPLOAD_MAX_COMPRESSED_BYTES: 'lots' })).toThrow(/UPLOAD_MAX_COMPRESSED_BYTES: must be an integer number of bytes/);
    expect(() => validateEnvironment({ GIT_CLONE_TIMEOUT_SECONDS: '0' })).toThrow(/GIT_CLONE_TIMEOUT_SECONDS: must be an integer number of seconds from 5 to 3600/);
  });
});
