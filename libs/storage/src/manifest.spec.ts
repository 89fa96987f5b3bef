import type { ArtifactManifest } from './artifact-store.port';
import {
  ManifestValidationError,
  blobKey,
  manifestKey,
  parseManifest,
  relativePathProblem,
  sameFiles,
  sourceKey,
  validateManifest,
} from './manifest';

const SHA = 'ab'.repeat(32);
const manifest = (files: unknown[], deploymentId = 'dpl_1'): unknown => ({ version: 1, deploymentId, createdAt: '2025-01-01T00:00:00.000Z', files });
const entry = (over: Record<string, unknown> = {}) => ({ path: 'index.html', size: 10, sha256: SHA, contentType: 'text/html; charset=utf-8', ...over });

describe('relative path rules', () => {
  it.each(['index.html', 'a/b/c.js', '.well-known/security.txt', '_next/static/x.js', 'dir with space/ü.txt', '...', '..a', 'a..b'])(
    'accepts %j',
    (path) => expect(relativePathProblem(path)).toBeUndefined(),
  );

  it.each([
    ['', 'empty'],
    ['/etc/passwd', 'absolute'],
    ['//host/share', 'absolute (UNC-like)'],
    ['..', 'parent'],
    ['../x', 'leading parent'],
    ['a/../../x', 'parent in the middle'],
    ['a/..', 'trailing parent'],
    ['./a', 'dot segment'],
    ['a/./b', 'dot in the middle'],
    ['a//b', 'empty segment'],
    ['a/', 'trailing slash'],
    ['a\\..\\b', 'backslash'],
    ['..\\evil', 'backslash parent'],
    ['a\u0000.html', 'NUL'],
    ['a\nb', 'newline'],
    ['x'.repeat(1025), 'too long'],
  ])('refuses %j (%s)', (path) => expect(relativePathProblem(path)).toBeDefined());

  it('refuses non-strings', () => {
    for (const value of [undefined, null, 1, {}, ['a']]) expect(relativePathProblem(value)).toBeDefined();
  });
});

describe('keys', () => {
  it('builds the layout from validated parts only', () => {
    expect(blobKey(SHA)).toBe(`blobs/${SHA}`);
    expect(manifestKey('dpl_1')).toBe('deployments/dpl_1/manifest.json');
    expect(sourceKey('prj_1/src.tar.gz')).toBe('sources/prj_1/src.tar.gz');
    expect(() => blobKey('../x')).toThrow(TypeError);
    expect(() => blobKey(SHA.toUpperCase())).toThrow(TypeError);
    expect(() => manifestKey('../dpl')).toThrow(TypeError);
    expect(() => manifestKey('a/b')).toThrow(TypeError);
    expect(() => manifestKey('')).toThrow(TypeError);
    expect(() => sourceKey('../deployments/x/manifest.json')).toThrow(TypeError);
    expect(() => sourceKey('/abs')).toThrow(TypeError);
  });
});

describe('validateManifest', () => {
  it('accepts a well-formed manifest', () => {
    const m = manifest([entry(), entry({ path: 'img/logo.png', contentType: 'image/png', size: 0 })]);
    expect(validateManifest(m, 'dpl_1')).toBe(m);
  });

  it.each([
    ['a `..` path', { path: '../other/manifest.json' }],
    ['an absolute path', { path: '/etc/passwd' }],
    ['a backslash path', { path: 'a\\b' }],
    ['a NUL path', { path: 'index.html\u0000.png' }],
    ['an empty path', { path: '' }],
    ['a digest that is a path', { sha256: '../../blobs/x' }],
    ['an upper-case digest', { sha256: SHA.toUpperCase() }],
    ['a short digest', { sha256: 'abc' }],
    ['a negative size', { size: -1 }],
    ['a fractional size', { size: 1.5 }],
    ['a string size', { size: '10' }],
    ['a header injection in the content type', { contentType: 'text/html\r\nX-Evil: 1' }],
    ['a content type that is not a media type', { contentType: 'html' }],
    ['a missing content type', { contentType: undefined }],
  ])('rejects %s', (_label, over) => {
    expect(() => validateManifest(manifest([entry(over)]), 'dpl_1')).toThrow(ManifestValidationError);
  });

  it('rejects duplicate paths, wrong version, wrong or bad id, bad createdAt, non-array files', () => {
    const bad: unknown[] = [
      manifest([entry(), entry()]),
      { ...(manifest([entry()]) as object), version: 2 },
      { ...(manifest([entry()]) as object), createdAt: 'yesterday' },
      { ...(manifest([entry()]) as object), files: {} },
      manifest([entry()], '../x'),
      null,
      [],
      'manifest',
    ];
    for (const value of bad) expect(() => validateManifest(value, 'dpl_1')).toThrow(ManifestValidationError);
    expect(() => validateManifest(manifest([entry()], 'dpl_2'), 'dpl_1')).toThrow(/does not match/);
  });

  it('lists every problem it found', () => {
    try {
      validateManifest(manifest([entry({ path: '../a' }), entry({ path: '/b', sha256: 'x' })]), 'dpl_1');
      throw new Error('expected a rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(ManifestValidationError);
      expect((error as ManifestValidationError).issues).toHaveLength(3);
    }
  });
});

describe('parseManifest / sameFiles', () => {
  it('parses stored JSON and rejects what is not JSON', () => {
    const m = manifest([entry()]) as ArtifactManifest;
    expect(parseManifest(Buffer.from(JSON.stringify(m)), 'dpl_1')).toEqual(m);
    expect(() => parseManifest('{"version":', 'dpl_1')).toThrow(ManifestValidationError);
  });

  it('compares files, not timestamps', () => {
    const a = manifest([entry()]) as ArtifactManifest;
    expect(sameFiles(a, { ...a, createdAt: new Date().toISOString() })).toBe(true);
    expect(sameFiles(a, manifest([entry({ size: 11 })]) as ArtifactManifest)).toBe(false);
    expect(sameFiles(a, manifest([]) as ArtifactManifest)).toBe(false);
  });
});
