import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** A Dockerfile the platform will not build (the build fails INVALID_CONFIGURATION with this message). */
export class DockerfileRefusedError extends Error {
  readonly code = 'INVALID_CONFIGURATION';
}

export interface DockerfilePolicy {
  /** host[:port] of the platform's registry: a `FROM` there is allowed whatever its address. */
  registryHost?: string;
}

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** The instructions of a Dockerfile: comments and parser directives dropped, `\` continuations joined. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  let start = 0;
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    if (pending && line.startsWith('#')) return;
    if (!pending) start = i + 1;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const m = /^(\S+)\s*(.*)$/s.exec(full);
    if (m) out.push({ keyword: m[1].toUpperCase(), args: m[2], line: start });
  });
  if (pending.trim()) {
    const m = /^(\S+)\s*(.*)$/s.exec(pending.trim());
    if (m) out.push({ keyword: m[1].toUpperCase(), args: m[2], line: start });
  }
  return out;
}

/** `$X` / `${X}` / `${X:-default}` replaced from `vars` (what the builder would see with no --build-arg). */
function expand(value: string, vars: Map<string, string>): string {
  return value.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+]([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, braced, dflt, bare) => {
    const name = braced ?? bare;
    return vars.get(name) ?? dflt ?? '';
  });
}

/** Registry host of an image reference, when it names one (`host.tld/…`, `host:port/…`, `localhost/…`). */
export function registryHostOf(image: string): string | undefined {
  const slash = image.indexOf('/');
  if (slash < 0) return undefined;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first.toLowerCase() : undefined;
}

const PRIVATE_V4 = [/^10\./, /^127\./, /^169\.254\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./, /^0\./];

/** An address the engine's host may reach but a tenant must not make it reach (loopback, private, link-local). */
export function isInternalHost(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  if (name === 'localhost' || name.endsWith('.localhost') || name.endsWith('.internal') || name.endsWith('.local')) return true;
  if (isIP(name) === 4) return PRIVATE_V4.some((r) => r.test(name));
  if (isIP(name) === 6) return name === '::1' || /^f[cd]/i.test(name) || /^fe[89ab]/i.test(name) || name === '::';
  return false;
}

/** The registry hosts the Dockerfile's FROM images name (build stages and `ARG` defaults resolved). */
export function fromRegistryHosts(text: string): string[] {
  const vars = new Map<string, string>();
  const stages = new Set<string>();
  const hosts = new Set<string>();
  for (const ins of parseDockerfile(text)) {
    if (ins.keyword === 'ARG') {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(ins.args.trim());
      if (m && m[2] !== undefined) vars.set(m[1], m[2].replace(/^"(.*)"$/, '$1'));
    } else if (ins.keyword === 'FROM') {
      const parts = ins.args.trim().split(/\s+/).filter((p) => !p.startsWith('--'));
      const image = expand(parts[0] ?? '', vars).toLowerCase();
      const host = stages.has(image) ? undefined : registryHostOf(image);
      if (host) hosts.add(host);
      if (parts[1]?.toUpperCase() === 'AS' && parts[2]) stages.add(parts[2].toLowerCase());
    }
  }
  return [...hosts];
}

/**
 * What the engine itself does on a Dockerfile's behalf runs on the host, outside the build network
 * and its firewall: a remote `ADD <url>` and the pull of a `FROM` image. So, before the engine sees
 * it: `ADD` may not fetch URLs or git repositories (download in a `RUN` step, which runs on the
 * build network), and `FROM` may not pull from a loopback, private or link-local address other
 * than the platform's registry. Build arguments are not passed, so `ARG` defaults are what a
 * `FROM $BASE` resolves to.
 */
export function checkDockerfile(text: string, policy: DockerfilePolicy = {}): void {
  const instructions = parseDockerfile(text);
  if (!instructions.some((i) => i.keyword === 'FROM')) throw new DockerfileRefusedError('The Dockerfile has no FROM instruction');
  const vars = new Map<string, string>();
  const stages = new Set<string>();
  for (const ins of instructions) {
    if (ins.keyword === 'ARG') {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(ins.args.trim());
      if (m && m[2] !== undefined) vars.set(m[1], m[2].replace(/^"(.*)"$/, '$1'));
    } else if (ins.keyword === 'FROM') {
      const parts = ins.args.trim().split(/\s+/).filter((p) => !p.startsWith('--'));
      const image = expand(parts[0] ?? '', vars).toLowerCase();
      if (!image) throw new DockerfileRefusedError(`Dockerfile line ${ins.line}: FROM names no image`);
      const host = registryHostOf(image);
      if (host && host !== policy.registryHost?.toLowerCase() && isInternalHost(host) && !stages.has(image)) {
        throw new DockerfileRefusedError(`Dockerfile line ${ins.line}: FROM ${image} would make the engine pull from an internal address (${host}); use the platform's registry or a public one`);
      }
      if (parts[1]?.toUpperCase() === 'AS' && parts[2]) stages.add(parts[2].toLowerCase());
    } else if (ins.keyword === 'ADD') {
      const sources = ins.args.trim().startsWith('[')
        ? ((): string[] => {
            try {
              const list = JSON.parse(ins.args) as unknown;
              return Array.isArray(list) ? list.slice(0, -1).map(String) : [];
            } catch {
              return [];
            }
          })()
        : ins.args.trim().split(/\s+/).filter((p) => !p.startsWith('--')).slice(0, -1);
      const remote = sources.map((s) => expand(s, vars)).find((s) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || /^git@/i.test(s));
      if (remote) throw new DockerfileRefusedError(`Dockerfile line ${ins.line}: ADD of a URL (${remote}) is not allowed: the engine would fetch it from the host; download it in a RUN step`);
    } else if (ins.keyword === 'ONBUILD' && /^\s*ADD\s/i.test(ins.args)) {
      checkDockerfile(`FROM scratch\n${ins.args}`, policy);
    }
  }
}

/**
 * A FROM registry named by a host name that resolves to an internal address would make the
 * builder pull from there (checkDockerfile sees only literal addresses). A name that does not
 * resolve is left to the builder, whose pull then fails the build.
 */
export async function checkPullHosts(dockerfile: string, registryHost: string | undefined): Promise<void> {
  for (const host of fromRegistryHosts(dockerfile)) {
    if (host === registryHost?.toLowerCase()) continue;
    const name = host.replace(/:\d+$/, '');
    const addresses = await lookup(name, { all: true }).catch(() => []);
    const internal = addresses.find((a) => isInternalHost(a.address));
    if (internal) throw new DockerfileRefusedError(`FROM ${host}: the name resolves to an internal address (${internal.address}); use the platform's registry or a public one`);
  }
}
