import { Logger } from '@nestjs/common';
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RunnerUnavailableError } from '../../runner/build-failure';
import type { LineListener } from '../../runner/build-runner.port';
import { BuildNetworkFirewall, hostNameservers } from '../../runner/docker/build-network.firewall';
import { LineSplitter } from '../../runner/line-splitter';
import { BuildPidsCgroup } from '../build-pids-cgroup';
import { checkDockerfile, checkPullHosts, DockerfileRefusedError } from '../dockerfile-policy';
import type { ImageBuilder, ImageBuildOutcome, ImageBuildSpec, RegistryAuth, RunningImageBuild } from '../image-builder.port';

const run = promisify(execFile);

export interface BuildahImageBuilderOptions {
  /** This orchestrator instance's own directory: `<stateDir>/projects/<project id>` holds the project's image store (its layer cache). */
  stateDir: string;
  /** The CNI network the RUN steps join: its name, Linux bridge and IPv4 subnet. */
  network?: { name: string; bridge: string; subnet: string };
  /** The build firewall on that bridge (BuildNetworkFirewall); unset only in tests that check without it. */
  firewall?: { instanceId: string; iptables?: string };
  /** host[:port] of registries spoken to over plain HTTP (the platform's loopback registry). */
  insecureRegistries?: string[];
  buildah?: string;
  cgroupRoot?: string;
}

const DEFAULT_NETWORK = { name: 'deploysphere-buildah', bridge: 'ds-buildah0', subnet: '10.231.0.0/24' } as const;
const REF_PREFIX = 'buildah:';
const PROJECT_IN_REF = /(prj_[0-9a-hjkmnp-tv-z]{26})(?=[:@]|$)/;
const nowIso = () => new Date().toISOString();

/** A RUN step's exit status in buildah's error ("error while running runtime: exit status 137"). */
const exitCodeOf = (message: string): number | undefined => {
  const m = /exit status (\d+)/.exec(message);
  return m ? Number(m[1]) : undefined;
};

/**
 * Daemonless image builds with buildah (Debian's package, scripts/buildah.sh): for hosts without a
 * Docker engine, and the builder image of ECS builds. The same Dockerfile policy as the docker
 * builder; every RUN step is a runc container on the platform's own CNI bridge behind the build
 * firewall (internet and package registries yes; the host, its loopback services, private ranges,
 * 169.254.169.254 and other builds no); memory (no swap), CPU quota, and a pids cap through a
 * parent cgroup shared by the build's RUN steps. Each project has its own image store, which is
 * its layer cache: no layer of another project is ever reused, and deleting the project deletes
 * the store. Timeout and cancel kill buildah and every process left in the build's cgroup, then
 * remove its working containers.
 */
export class BuildahImageBuilder implements ImageBuilder {
  private readonly logger = new Logger('BuildahImageBuilder');
  private readonly buildah: string;
  private readonly network: { name: string; bridge: string; subnet: string };
  private readonly pids: BuildPidsCgroup;
  private networkReady?: Promise<void>;
  private firewall?: BuildNetworkFirewall;
  /** Per project: its store swept of working containers left by a dead process, once per process. */
  private readonly swept = new Map<string, Promise<void>>();

  constructor(private readonly options: BuildahImageBuilderOptions) {
    this.buildah = options.buildah ?? 'buildah';
    this.network = options.network ?? DEFAULT_NETWORK;
    this.pids = new BuildPidsCgroup(options.cgroupRoot);
  }

  async isReady(): Promise<boolean> {
    try {
      await run(this.buildah, ['version'], { timeout: 30_000 });
      await run('setpriv', ['--version'], { timeout: 30_000 });
      await this.ensureNetwork();
      return true;
    } catch {
      return false;
    }
  }

  async build(spec: ImageBuildSpec, onLine: LineListener): Promise<RunningImageBuild> {
    const started = Date.now();
    const runnerRef = REF_PREFIX + spec.deploymentId;
    const failed = (failureCode: ImageBuildOutcome['failureCode'], failureMessage: string): ImageBuildOutcome => ({ status: 'failed', exitCode: null, failureCode, failureMessage, durationMs: Date.now() - started });
    const settled = (outcome: ImageBuildOutcome): RunningImageBuild => ({
      runnerRef,
      logSeqBase: 1,
      outcome: Promise.resolve(outcome),
      cancel: async () => undefined,
      dispose: async () => this.untag(spec.tag),
      detach: () => undefined,
    });
    let dockerfile: string;
    try {
      dockerfile = await readFile(join(spec.contextDir, spec.dockerfile), 'utf8');
      checkDockerfile(dockerfile, { registryHost: spec.registryHost });
      await checkPullHosts(dockerfile, spec.registryHost);
    } catch (err) {
      if (err instanceof DockerfileRefusedError) return settled(failed('INVALID_CONFIGURATION', err.message));
      return settled(failed('INVALID_CONFIGURATION', `The Dockerfile could not be read: ${(err as Error).message}`));
    }
    try {
      await this.ensureNetwork();
    } catch (err) {
      throw new RunnerUnavailableError(`The build network is not ready: ${(err as Error).message}`, { cause: err });
    }

    // A build killed with its orchestrator stops its RUN step but leaves its working containers
    // (buildah's SIGTERM handling): this process's first build of the project removes them.
    // The store is this orchestrator instance's own, so none of them belongs to a live build.
    if (!this.swept.has(spec.projectId)) this.swept.set(spec.projectId, this.removeContainers(spec.projectId));
    await this.swept.get(spec.projectId);
    const scratch = await mkdtemp(join(this.options.stateDir, 'tmp', 'build-'));
    const ignoreFile = join(scratch, 'ignore');
    const userIgnore = await readFile(join(spec.contextDir, '.dockerignore'), 'utf8').catch(() => '');
    await writeFile(ignoreFile, `${userIgnore}\n.git\n`);
    const authFile = await this.writeAuthFile(scratch, spec.registryAuth);
    const cgroupParent = await this.pids.create(spec.deploymentId, spec.limits.pids);
    const memory = `${spec.limits.memoryMb}m`;
    const args = [
      ...this.storeArgs(spec.projectId),
      'build',
      '--layers',
      '--pull=missing',
      '--isolation=oci',
      `--network=${this.network.name}`,
      `--cni-config-dir=${this.cniDir}`,
      `--memory=${memory}`,
      `--memory-swap=${memory}`,
      '--cpu-period=100000',
      `--cpu-quota=${Math.max(1_000, Math.round(spec.limits.cpus * 100_000))}`,
      ...(cgroupParent ? [`--cgroup-parent=${cgroupParent}`] : []),
      `--ignorefile=${ignoreFile}`,
      `--iidfile=${join(scratch, 'iid')}`,
      `--authfile=${authFile}`,
      '--label',
      `io.deploysphere.deployment-id=${spec.deploymentId}`,
      '--label',
      `io.deploysphere.project-id=${spec.projectId}`,
      '-f',
      join(spec.contextDir, spec.dockerfile),
      '-t',
      spec.tag,
      spec.contextDir,
    ];
    // If the orchestrator dies, buildah gets SIGTERM (setpriv --pdeathsig), on which it stops the RUN
    // step and removes its working container. Its output goes to files, not pipes: a Go program
    // writing to a pipe whose reader died is killed by SIGPIPE before it cleans up.
    const outFile = join(scratch, 'stdout.log');
    const errFile = join(scratch, 'stderr.log');
    const [outFd, errFd] = [openSync(outFile, 'w', 0o600), openSync(errFile, 'w', 0o600)];
    const child = spawn('setpriv', ['--pdeathsig', 'TERM', this.buildah, ...args], { detached: true, stdio: ['ignore', outFd, errFd] });
    closeSync(outFd);
    closeSync(errFd);

    let ended: 'canceled' | 'timed_out' | 'detached' | undefined;
    const exited = new Promise<number | null>((resolve) => {
      child.once('error', () => resolve(null));
      child.once('close', (code) => resolve(code));
    });
    const stop = async (why: 'canceled' | 'timed_out' | 'detached') => {
      ended ??= why;
      await this.kill(child.pid, spec.deploymentId, exited);
    };
    const timer = setTimeout(() => void stop('timed_out'), spec.limits.timeoutSeconds * 1000);
    timer.unref();

    let lastError = '';
    const out = new LineSplitter((message) => onLine({ stream: 'stdout', message, ts: nowIso() }));
    const err = new LineSplitter((message) => {
      if (/^(error|Error:)/.test(message)) lastError = message;
      onLine({ stream: 'stderr', message, ts: nowIso() });
    });
    const tails = [new FileTail(outFile, (c) => out.push(c)), new FileTail(errFile, (c) => err.push(c))];
    const follow = setInterval(() => tails.forEach((t) => void t.read()), 250);

    const outcome = (async (): Promise<ImageBuildOutcome> => {
      const code = await exited;
      clearInterval(follow);
      // Twice: a read in flight may have started before the last bytes were written.
      for (const t of tails) for (let i = 0; i < 2; i++) await t.read();
      clearTimeout(timer);
      out.end();
      err.end();
      const durationMs = Date.now() - started;
      // A killed buildah leaves its working containers: none may outlive the build.
      if (ended || code !== 0) await this.removeContainers(spec.projectId);
      if (ended === 'timed_out') return { status: 'timed_out', exitCode: null, failureCode: 'TIMED_OUT', failureMessage: `The image build exceeded its time limit of ${spec.limits.timeoutSeconds} s`, durationMs };
      if (ended === 'canceled') return { status: 'canceled', exitCode: null, failureCode: 'CANCELED', failureMessage: 'Canceled', durationMs };
      if (ended === 'detached') return { status: 'failed', exitCode: null, failureCode: 'ORCHESTRATOR_RESTARTED', failureMessage: 'The orchestrator stopped following this image build', durationMs };
      if (code !== 0) {
        const exit = exitCodeOf(lastError);
        if (exit === 137) return { status: 'failed', exitCode: exit, failureCode: 'OUT_OF_MEMORY', failureMessage: `A RUN step was killed (exit 137): most likely it exceeded the memory limit of ${spec.limits.memoryMb} MiB`, durationMs };
        if (code === null) return { status: 'failed', exitCode: null, failureCode: 'RUNNER_ERROR', failureMessage: 'buildah could not be run', durationMs };
        return { status: 'failed', exitCode: exit ?? null, failureCode: 'BUILD_FAILED', failureMessage: `The image build failed: ${lastError || `buildah exited ${code}`}`, durationMs };
      }
      const imageId = (await readFile(join(scratch, 'iid'), 'utf8').catch(() => '')).trim();
      if (!imageId) return { status: 'failed', exitCode: null, failureCode: 'RUNNER_ERROR', failureMessage: 'buildah ended the image build without an image', durationMs };
      return { status: 'succeeded', exitCode: 0, durationMs, imageId: imageId.startsWith('sha256:') ? imageId : `sha256:${imageId}` };
    })().finally(async () => {
      await this.pids.release(spec.deploymentId);
      await rm(scratch, { recursive: true, force: true });
    });

    return {
      runnerRef,
      logSeqBase: 1,
      outcome,
      cancel: async () => {
        await stop('canceled');
        await outcome;
      },
      dispose: async () => this.untag(spec.tag),
      detach: () => void stop('detached'),
    };
  }

  async push(ref: string, auth: RegistryAuth | undefined, onLine: LineListener, signal?: AbortSignal): Promise<string> {
    await this.ensureNetwork();
    const scratch = await mkdtemp(join(this.options.stateDir, 'tmp', 'push-'));
    try {
      const authFile = await this.writeAuthFile(scratch, auth);
      const digestFile = join(scratch, 'digest');
      const { stdout, stderr } = await run('setpriv', ['--pdeathsig', 'TERM', this.buildah, ...this.storeArgs(this.projectOf(ref)), 'push', `--authfile=${authFile}`, `--digestfile=${digestFile}`, ref, `docker://${ref}`], {
        signal,
        maxBuffer: 16 * 1024 * 1024,
      }).catch((err: Error & { stderr?: string }) => {
        throw new Error((err.stderr || err.message).trim().split('\n').pop() ?? 'buildah push failed');
      });
      for (const line of `${stderr}${stdout}`.split('\n')) if (line.trim()) onLine({ stream: 'stdout', message: line, ts: nowIso() });
      const digest = (await readFile(digestFile, 'utf8')).trim();
      if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error('The registry answered the push without a manifest digest');
      return digest;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  async imageId(ref: string): Promise<string | undefined> {
    try {
      const { stdout } = await run(this.buildah, [...this.storeArgs(this.projectOf(ref)), 'images', '--noheading', '--no-trunc', '--format', '{{.ID}}', ref]);
      const id = stdout.trim();
      return id ? (id.startsWith('sha256:') ? id : `sha256:${id}`) : undefined;
    } catch {
      return undefined;
    }
  }

  async tag(source: string, target: string): Promise<void> {
    await run(this.buildah, [...this.storeArgs(this.projectOf(target)), 'tag', source, target]);
  }

  async untag(ref: string): Promise<void> {
    await run(this.buildah, [...this.storeArgs(this.projectOf(ref)), 'rmi', ref]).catch((err: Error & { stderr?: string }) => {
      // Gone already, or still the base of a cached layer: the store keeps what it needs.
      if (!/image not known|no such image|image is in use|unknown/i.test(err.stderr ?? err.message)) throw err;
    });
  }

  /** Deletes this instance's firewall jumps, for whoever removes the network itself (builds outlive a restart otherwise). */
  async removeFirewall(): Promise<void> {
    await this.firewall?.remove();
  }

  /** Deletes the project's image store: its images and its layer cache. */
  async forgetProject(projectId: string): Promise<void> {
    this.swept.delete(projectId);
    const dir = this.projectDir(projectId);
    if (!existsSync(dir)) return;
    await this.removeContainers(projectId);
    await run(this.buildah, [...this.storeArgs(projectId), 'rmi', '--all', '--force']).catch(() => undefined);
    // Unmounts whatever the store still holds (overlay layers) so the directory can go.
    await run(this.buildah, [...this.storeArgs(projectId), 'umount', '--all']).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }

  /** The project's image store, for tests and diagnostics. */
  projectDir(projectId: string): string {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(projectId)) throw new Error(`not a project id: ${projectId}`);
    return join(this.options.stateDir, 'projects', projectId);
  }

  /** buildah's global options for a project: its store, and the platform's registries.conf (plain HTTP only for the registries named insecure). */
  storeArgs(projectId: string): string[] {
    const dir = this.projectDir(projectId);
    return [
      '--root',
      join(dir, 'storage'),
      '--runroot',
      join(dir, 'run'),
      '--storage-driver',
      'overlay',
      '--registries-conf',
      join(this.options.stateDir, 'registries.conf'),
      '--registries-conf-dir',
      join(this.options.stateDir, 'registries.d'),
    ];
  }

  private get cniDir(): string {
    return join(this.options.stateDir, 'cni');
  }

  private projectOf(ref: string): string {
    const m = PROJECT_IN_REF.exec(ref);
    if (!m) throw new Error(`the image reference names no project: ${ref}`);
    return m[1];
  }

  /** A containers-auth.json holding the platform registry's login, readable by this user only (never on a command line). */
  private async writeAuthFile(dir: string, auth: RegistryAuth | undefined): Promise<string> {
    const file = join(dir, 'auth.json');
    const auths = auth ? { [auth.serveraddress]: { auth: Buffer.from(`${auth.username}:${auth.password}`).toString('base64') } } : {};
    await writeFile(file, JSON.stringify({ auths }), { mode: 0o600 });
    return file;
  }

  /** SIGTERM to buildah's process group, SIGKILL after 5 s, then every process still in the build's cgroup. */
  private async kill(pid: number | undefined, deploymentId: string, exited: Promise<unknown>): Promise<void> {
    if (pid) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const late = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5_000);
      await exited;
      clearTimeout(late);
    }
    for (let round = 0; round < 50; round++) {
      const left = await this.pids.processes(deploymentId);
      if (left.length === 0) return;
      for (const p of left) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // exited meanwhile
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    this.logger.warn({ deploymentId }, 'processes of a stopped image build are still running');
  }

  private async removeContainers(projectId: string): Promise<void> {
    await run(this.buildah, [...this.storeArgs(projectId), 'rm', '--all']).catch((err: Error) =>
      this.logger.warn({ projectId, err: err.message }, 'removing the working containers of an image build failed'),
    );
  }

  /**
   * The CNI network (a bridge with NAT; the CNI firewall plugin accepts its traffic in FORWARD
   * after jumping to CNI-ADMIN, where the build firewall sits) in the platform's own config
   * directory, the registries.conf, and the firewall. The bridge exists only while a RUN step
   * runs, which is why the rules name it rather than look it up. Bridged traffic between two
   * builds passes iptables only with br_netfilter: without it the builder is not ready.
   */
  private ensureNetwork(): Promise<void> {
    this.networkReady ??= (async () => {
      if (this.options.firewall && (await readFile('/proc/sys/net/bridge/bridge-nf-call-iptables', 'utf8').catch(() => '0')).trim() !== '1') {
        throw new Error('bridged traffic bypasses iptables (load br_netfilter and set net.bridge.bridge-nf-call-iptables=1)');
      }
      await mkdir(this.cniDir, { recursive: true });
      // Scratch of builds (logs, auth files) a dead process of this instance left; none is live yet.
      await rm(join(this.options.stateDir, 'tmp'), { recursive: true, force: true });
      await mkdir(join(this.options.stateDir, 'tmp'), { recursive: true, mode: 0o700 });
      await mkdir(join(this.options.stateDir, 'registries.d'), { recursive: true });
      const [network, gateway] = [this.network, this.network.subnet.replace(/\.0\/\d+$/, '.1')];
      const conflist = {
        cniVersion: '0.4.0',
        name: network.name,
        plugins: [
          {
            type: 'bridge',
            bridge: network.bridge,
            isGateway: true,
            ipMasq: true,
            hairpinMode: false,
            ipam: { type: 'host-local', routes: [{ dst: '0.0.0.0/0' }], ranges: [[{ subnet: network.subnet, gateway }]] },
          },
          { type: 'firewall' },
        ],
      };
      await writeFile(join(this.cniDir, `${network.name}.conflist`), JSON.stringify(conflist, null, 2));
      const insecure = (this.options.insecureRegistries ?? []).map((host) => `[[registry]]\nlocation = "${host}"\ninsecure = true\n`).join('\n');
      await writeFile(join(this.options.stateDir, 'registries.conf'), `unqualified-search-registries = ["docker.io"]\nshort-name-mode = "permissive"\n\n${insecure}`);
      await chmod(this.options.stateDir, 0o700);
      const wanted = this.options.firewall;
      if (!wanted) return;
      this.firewall = new BuildNetworkFirewall({ bridge: network.bridge, instanceId: wanted.instanceId, iptables: wanted.iptables, forwardChain: 'CNI-ADMIN', allow: { dns: await hostNameservers() } });
      await this.firewall.install();
    })().catch((err) => {
      this.networkReady = undefined;
      throw err;
    });
    return this.networkReady;
  }
}

/** Reads what was appended to a file since the last read (single-flight). */
class FileTail {
  private offset = 0;
  private reading?: Promise<void>;

  constructor(
    private readonly path: string,
    private readonly onChunk: (chunk: Buffer) => void,
  ) {}

  read(): Promise<void> {
    this.reading ??= (async () => {
      const file = await open(this.path, 'r').catch(() => undefined);
      if (!file) return;
      try {
        const buffer = Buffer.alloc(64 * 1024);
        for (;;) {
          const { bytesRead } = await file.read(buffer, 0, buffer.length, this.offset);
          if (bytesRead === 0) break;
          this.offset += bytesRead;
          this.onChunk(Buffer.from(buffer.subarray(0, bytesRead)));
        }
      } finally {
        await file.close();
      }
    })().finally(() => (this.reading = undefined));
    return this.reading;
  }
}
