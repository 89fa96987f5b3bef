import { SourceFetchError } from '../source.errors';

const PROTOCOLS = new Set(['https:', 'http:', 'git:', 'ssh:']);
/** Branch, tag or full ref name: what `git check-ref-format` accepts, minus a leading `-` (it would read as an option). */
const REF = /^(?!-)(?!\/|.*\.\.|.*\/\/|.*@\{|.*\.lock$|.*\/$)[A-Za-z0-9._\-/]{1,255}$/;
const SHA = /^[0-9a-f]{7,64}$/;
const FULL_SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

/** A repository URL git may fetch: http(s), git or ssh, nothing that runs a command or reads a local path. */
export function parseRepositoryUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SourceFetchError('GIT_URL_UNSUPPORTED', `The repository URL ${redactUrls(JSON.stringify(raw))} is not a valid URL`);
  }
  if (!PROTOCOLS.has(url.protocol) || url.hostname === '') {
    throw new SourceFetchError('GIT_URL_UNSUPPORTED', `The repository URL must be https://, http://, git:// or ssh:// (got ${url.protocol})`);
  }
  return url;
}

export function checkRef(ref: string): string {
  if (!REF.test(ref)) throw new SourceFetchError('GIT_REF_INVALID', `${JSON.stringify(ref.slice(0, 100))} is not a valid branch or tag name`);
  return ref;
}

export function checkCommitSha(sha: string): { sha: string; full: boolean } {
  if (!SHA.test(sha)) throw new SourceFetchError('GIT_REF_INVALID', `${JSON.stringify(sha.slice(0, 100))} is not a commit sha (7–64 lower-case hex)`);
  return { sha, full: FULL_SHA.test(sha) };
}

/** `scheme://host[:port]`: the scope a credential is offered to, so a redirect to another host never receives it. */
export function credentialScope(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/** Hides the user-info part of every URL in `text` (`https://user:token@host` → `https://***@host`). */
export function redactUrls(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@'"]*@/gi, '$1***@');
}

/** Redacts URLs and every occurrence of the given secrets. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = redactUrls(text);
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('***');
  return out;
}
