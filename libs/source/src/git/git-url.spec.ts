import { SourceFetchError } from '../source.errors';
import { checkCommitSha, checkRef, credentialScope, parseRepositoryUrl, redact, redactUrls } from './git-url';

describe('git URLs and refs', () => {
  it('accepts http(s), git and ssh repository URLs only', () => {
    for (const ok of ['https://git.example.com/a/b.git', 'http://127.0.0.1:8080/r.git', 'git://127.0.0.1:9418/r.git', 'ssh://git@host/r.git']) {
      expect(parseRepositoryUrl(ok).href).toBe(ok);
    }
    for (const bad of ['file:///etc', 'ext::sh -c touch% /tmp/pwned', '/local/path', 'git@github.com:a/b.git', 'https://']) {
      expect(() => parseRepositoryUrl(bad)).toThrow(SourceFetchError);
    }
  });

  it('scopes a credential to scheme, host and port', () => {
    expect(credentialScope(new URL('http://127.0.0.1:8080/a/b.git'))).toBe('http://127.0.0.1:8080');
    expect(credentialScope(new URL('https://git.example.com/a.git'))).toBe('https://git.example.com');
  });

  it('refuses refs that git would read as options or reject', () => {
    expect(checkRef('feature/x-1')).toBe('feature/x-1');
    for (const bad of ['-q', '--upload-pack=x', 'a..b', 'a b', 'x.lock', '/a', 'a/', '']) expect(() => checkRef(bad)).toThrow(SourceFetchError);
    expect(checkCommitSha('a'.repeat(40))).toEqual({ sha: 'a'.repeat(40), full: true });
    expect(checkCommitSha('abc1234')).toEqual({ sha: 'abc1234', full: false });
    expect(() => checkCommitSha('ABC1234')).toThrow(SourceFetchError);
  });

  it('redacts user-info in URLs and given secrets', () => {
    expect(redactUrls("fatal: unable to access 'https://user:s3cret@git.example.com/a.git/'")).toBe("fatal: unable to access 'https://***@git.example.com/a.git/'");
    expect(redact('token s3cret and s3cret again', ['s3cret'])).toBe('token *** and *** again');
  });
});
