import { join, resolve } from 'node:path';
import { storageSettingsFrom } from './storage.config';

describe('storageSettingsFrom', () => {
  it('uses <dataDir>/artifacts when S3_BUCKET is unset or empty', () => {
    expect(storageSettingsFrom({}, './data')).toEqual({ driver: 'fs', dir: join(resolve('./data'), 'artifacts') });
    expect(storageSettingsFrom({ S3_BUCKET: '  ' }, '/var/lib/ds')).toEqual({ driver: 'fs', dir: '/var/lib/ds/artifacts' });
  });

  it('uses S3 when S3_BUCKET is set, with defaults', () => {
    expect(storageSettingsFrom({ S3_BUCKET: 'my-artifacts' }, '/d')).toEqual({ driver: 's3', bucket: 'my-artifacts', region: 'us-east-1', forcePathStyle: false });
  });

  it('reads every S3 variable; a custom endpoint implies path-style unless told otherwise', () => {
    const env = { S3_BUCKET: 'b.example', S3_REGION: 'eu-west-1', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_PREFIX: '/prod/site/' };
    expect(storageSettingsFrom(env, '/d')).toEqual({
      driver: 's3',
      bucket: 'b.example',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      prefix: 'prod/site',
    });
    expect(storageSettingsFrom({ ...env, S3_FORCE_PATH_STYLE: 'false' }, '/d')).toMatchObject({ forcePathStyle: false });
    expect(storageSettingsFrom({ S3_BUCKET: 'bbb', S3_FORCE_PATH_STYLE: '1' }, '/d')).toMatchObject({ forcePathStyle: true });
  });

  it.each([
    [{ S3_BUCKET: 'Upper' }, 'S3_BUCKET'],
    [{ S3_BUCKET: 'ab' }, 'S3_BUCKET'],
    [{ S3_BUCKET: 'a..b' }, 'S3_BUCKET'],
    [{ S3_BUCKET: '192.168.0.1' }, 'S3_BUCKET'],
    [{ S3_BUCKET: 'bkt', S3_REGION: 'EU West' }, 'S3_REGION'],
    [{ S3_BUCKET: 'bkt', S3_ENDPOINT: 'localhost:9000' }, 'S3_ENDPOINT'],
    [{ S3_BUCKET: 'bkt', S3_ENDPOINT: 'ftp://h' }, 'S3_ENDPOINT'],
    [{ S3_BUCKET: 'bkt', S3_FORCE_PATH_STYLE: 'yes' }, 'S3_FORCE_PATH_STYLE'],
    [{ S3_BUCKET: 'bkt', S3_PREFIX: 'a/../b' }, 'S3_PREFIX'],
    [{ S3_BUCKET: 'bkt', S3_PREFIX: '///' }, 'S3_PREFIX'],
    [{ S3_ENDPOINT: 'http://127.0.0.1:9000' }, 'S3_ENDPOINT'],
    [{ S3_PREFIX: 'x' }, 'S3_PREFIX'],
  ])('rejects %j naming %s', (env, name) => {
    expect(() => storageSettingsFrom(env, '/d')).toThrow(new RegExp(`^${name} `));
  });
});
