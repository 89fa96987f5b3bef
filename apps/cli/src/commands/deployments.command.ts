import { Option, type Command } from 'commander';
import type { DeploySphere, Deployment, ProjectAnalytics } from '@deploysphere/sdk';
import { client, colors, linkedProjectId, printJson, printTable, statusColor } from '../cli-context';
import { CliError, ExitCode } from '../exit-codes';

export function registerDeploymentCommands(program: Command): void {
  program
    .command('ls')
    .description('Deployments of the linked project, newest first')
    .option('--project <project>', 'project id (default: the linked one)')
    .option('-n, --limit <n>', 'how many', (v) => parseCount(v), 20)
    .option('--json', 'machine-readable output')
    .action(async (options: { project?: string; limit: number; json?: boolean }, command: Command) => {
      const ds = client(command);
      const projectId = linkedProjectId(options.project);
      const items: Deployment[] = [];
      for await (const d of ds.deployments.all(projectId)) {
        items.push(d);
        if (items.length >= options.limit) break;
      }
      if (options.json) return printJson(items);
      const c = colors(command.optsWithGlobals());
      if (items.length === 0) return void process.stdout.write('No deployments yet: `deploysphere deploy`\n');
      printTable([[c.bold('ID'), c.bold('STATUS'), c.bold('TARGET'), c.bold('SOURCE'), c.bold('CREATED')], ...items.map((d) => [d.id, statusColor(d.status, c), d.target, d.source, d.createdAt])]);
    });

  program
    .command('inspect <deployment>')
    .description('One deployment: status, timings, failure, URL')
    .option('--json', 'machine-readable output')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const d = await client(command).deployments.get(id);
      if (options.json) return printJson(d);
      const c = colors(command.optsWithGlobals());
      const rows: Array<[string, string | null | undefined]> = [
        ['id', d.id],
        ['project', d.projectId],
        ['status', statusColor(d.status, c)],
        ['target', d.target],
        ['source', d.source + (d.gitRef ? ` ${d.gitRef}` : '') + (d.commitSha ? ` @ ${d.commitSha.slice(0, 12)}` : '')],
        ['url', d.url],
        ['created', d.createdAt],
        ['ready', d.readyAt],
        ['finished', d.finishedAt],
        ['failure', d.failureCode ? `${d.failureCode}${d.failureMessage ? `: ${d.failureMessage}` : ''}` : undefined],
      ];
      for (const [k, v] of rows) if (v) process.stdout.write(`${c.bold(k.padEnd(9))} ${v}\n`);
    });

  program
    .command('logs <deployment>')
    .description(
      "Build log of a deployment (stored lines, page by page; -f follows it live to the end). --type access: the edge's traffic " +
        "analytics of the deployment's project (the API aggregates access logs per project, over every deployment); " +
        '--type runtime: none for static deployments (no process runs)',
    )
    .addOption(new Option('--type <type>', 'which log').choices(['build', 'runtime', 'access']).default('build'))
    .option('-f, --follow', 'stream new lines until the build ends')
    .option('--since <when>', 'lines (access: traffic) at or after this instant (ISO-8601) or this long ago (30s, 10m, 2h, 1d); access default: 1d')
    .option('--from-seq <n>', 'first line number', (v) => parseCount(v))
    .option('--json', 'one JSON object per line (seq, ts, stream, message); --type access: the analytics as one object')
    .action(async (id: string, options: { type: string; follow?: boolean; since?: string; fromSeq?: number; json?: boolean }, command: Command) => {
      const ds = client(command);
      const c = colors(command.optsWithGlobals());
      if (options.type === 'runtime') {
        const d = await ds.deployments.get(id);
        throw new CliError(
          `Runtime logs are not available for static deployments: ${d.id} is served from its files, no process runs. ` +
            `Its build log: deploysphere logs ${d.id}; its traffic: deploysphere logs ${d.id} --type access`,
          ExitCode.Usage,
        );
      }
      if (options.type === 'access') {
        if (options.follow) throw new CliError('--type access cannot follow: the analytics are read per interval; run it again', ExitCode.Usage);
        const analytics = await accessAnalytics(ds, id, options.since ?? '1d');
        if (options.json) return printJson(analytics);
        return printAccess(analytics, c);
      }
      const print = (line: { seq: number; ts: string; stream: string; message: string }) => {
        if (options.json) return void process.stdout.write(`${JSON.stringify(line)}\n`);
        const text = line.stream === 'stderr' ? c.red(line.message) : line.stream === 'system' ? c.cyan(line.message) : line.message;
        process.stdout.write(`${c.dim(line.ts)} ${text}\n`);
      };
      const since = options.since ? parseSince(options.since) : undefined;
      if (options.follow) {
        const sinceMs = since ? Date.parse(since) : undefined;
        for await (const line of ds.logs.follow(id, { fromSeq: options.fromSeq })) if (sinceMs === undefined || Date.parse(line.ts) >= sinceMs) print(line);
        return;
      }
      for await (const line of ds.logs.all(id, { from: since, fromSeq: options.fromSeq, limit: 1000 })) print(line);
    });

  program
    .command('rollback [deployment]')
    .description('Point production back at a READY deployment (default: the previous production one), without rebuilding')
    .option('--project <project>', 'project id (default: the linked one, or the deployment’s)')
    .option('--json', 'machine-readable output')
    .action(async (id: string | undefined, options: { project?: string; json?: boolean }, command: Command) => {
      const ds = client(command);
      const projectId = options.project ?? (id ? (await ds.deployments.get(id)).projectId : linkedProjectId(undefined));
      const alias = await ds.projects.rollback(projectId, id);
      if (options.json) return printJson(alias);
      const { url } = await ds.projects.get(projectId);
      process.stdout.write(
        alias.state === 'starting'
          ? `${colors(command.optsWithGlobals()).green('✔')} ${startingMessage(alias)}\n`
          : `${colors(command.optsWithGlobals()).green('✔')} Production now serves ${alias.deploymentId}${url ? ` at ${url}` : ''}${alias.previousDeploymentId ? ` (was ${alias.previousDeploymentId})` : ''}\n`,
      );
    });

  program
    .command('promote <deployment>')
    .description('Serve a READY deployment (e.g. a preview) at the production URL, without rebuilding')
    .option('--json', 'machine-readable output')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const ds = client(command);
      const alias = await ds.deployments.promote(id);
      if (options.json) return printJson(alias);
      if (alias.state === 'starting') return void process.stdout.write(`${colors(command.optsWithGlobals()).green('✔')} ${startingMessage(alias)}\n`);
      const { url } = await ds.projects.get(alias.projectId);
      process.stdout.write(`${colors(command.optsWithGlobals()).green('✔')} Production now serves ${alias.deploymentId}${url ? ` at ${url}` : ''}\n`);
    });

  program
    .command('cancel <deployment>')
    .description('Cancel a queued or running build')
    .option('--json', 'machine-readable output')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const d = await client(command).deployments.cancel(id);
      if (options.json) return printJson(d);
      process.stdout.write(`Cancel requested for ${d.id} (${d.status})\n`);
    });
}

/** Bucket widths the API offers, narrowest first: the narrowest giving at most 100 buckets is used. */
const INTERVALS = [
  ['1m', 60_000],
  ['5m', 300_000],
  ['15m', 900_000],
  ['1h', 3_600_000],
  ['6h', 21_600_000],
  ['1d', 86_400_000],
] as const;

async function accessAnalytics(ds: DeploySphere, deploymentId: string, since: string): Promise<ProjectAnalytics> {
  const { projectId } = await ds.deployments.get(deploymentId);
  const to = new Date();
  const from = parseSince(since, to.getTime());
  const span = to.getTime() - Date.parse(from);
  const interval = (INTERVALS.find(([, ms]) => span / ms <= 100) ?? INTERVALS[INTERVALS.length - 1])[0];
  return ds.projects.analytics(projectId, { from, to: to.toISOString(), interval });
}

function printAccess(a: ProjectAnalytics, c: ReturnType<typeof colors>): void {
  process.stdout.write(`Traffic of project ${a.projectId} (every deployment), ${a.from} to ${a.to}, per ${a.interval}:\n`);
  const busy = a.buckets.filter((b) => b.requests > 0);
  if (busy.length > 0) {
    printTable([
      ['START', 'REQUESTS', '2XX', '3XX', '4XX', '5XX', 'BYTES', 'P95 MS', 'TOP PATH'].map((h) => c.bold(h)),
      ...busy.map((b) => [
        b.start,
        String(b.requests),
        String(b.statusClasses['2xx']),
        String(b.statusClasses['3xx']),
        String(b.statusClasses['4xx']),
        b.statusClasses['5xx'] > 0 ? c.red(String(b.statusClasses['5xx'])) : '0',
        String(b.bytes),
        b.durationMs ? String(b.durationMs.p95) : '-',
        b.topPaths[0]?.path ?? '-',
      ]),
    ]);
  }
  const t = a.totals;
  process.stdout.write(`Total: ${t.requests} requests, ${t.bytes} bytes; 2xx ${t.statusClasses['2xx']}, 3xx ${t.statusClasses['3xx']}, 4xx ${t.statusClasses['4xx']}, 5xx ${t.statusClasses['5xx']}\n`);
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`not a positive whole number: ${value}`, ExitCode.Usage);
  return n;
}

/** `30s`, `10m`, `2h`, `1d` ago, or an ISO-8601 instant, as an ISO-8601 instant. */
export function parseSince(value: string, now = Date.now()): string {
  const relative = /^(\d+)(s|m|h|d)$/.exec(value);
  if (relative) return new Date(now - Number(relative[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[relative[2] as 's' | 'm' | 'h' | 'd']).toISOString();
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new CliError(`--since: not a duration (30s, 10m, 2h, 1d) or an ISO-8601 instant: ${value}`, ExitCode.Usage);
  return new Date(at).toISOString();
}

/** A server app starts before the alias moves: what the user watches meanwhile. */
function startingMessage(alias: { deploymentId: string; previousDeploymentId: string | null }): string {
  return (
    `Starting ${alias.deploymentId}: production moves to it once its instances pass their health check` +
    `${alias.previousDeploymentId ? ` (${alias.previousDeploymentId} serves until then)` : ''}; \`deploysphere inspect ${alias.deploymentId}\` shows a failure`
  );
}
