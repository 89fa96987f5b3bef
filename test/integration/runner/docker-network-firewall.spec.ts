import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import { newId } from '@deploysphere/common';
import { BLOCKED_RANGES, BuildNetworkFirewall, FIREWALL_CHAIN } from '../../../apps/orchestrator/src/runner/docker/build-network.firewall';
import { DockerBuildRunner, type BuildSpec } from '../../../apps/orchestrator/src/runner';
import { builderImage, FIXTURE_SITES, lineCollector, removeDir, scratchDir, TEST_LIMITS } from '../../support/builds';

// A build tries to reach the host: a listener on 0.0.0.0, one on the build network's gateway
// address, and the metadata database's port. Without the firewall (the control) the listeners
// answer; behind it every attempt is refused by the rules, while nothing stops traffic to an
// address outside the private ranges (no internet here: the rule set is checked for that).

const docker = new Docker();
const PROJECT = newId('prj');
const NETWORK = `ds-fw-test-${randomBytes(4).toString('hex')}`;
const ipt = (...args: string[]) => execFileSync('iptables', ['-w', ...args], { encoding: 'utf8' });

/** Node in the builder image: one TCP connection attempt per target, 3 s each. */
const PROBE = `
const net = require('net');
const targets = JSON.parse(process.env.PROBE_TARGETS);
(async () => {
  for (const [host, port] of targets) {
    const result = await new Promise((resolve) => {
      const s = net.connect({ host, port, timeout: 3000 });
      s.on('connect', () => { s.destroy(); resolve('open'); });
      s.on('timeout', () => { s.destroy(); resolve('timeout'); });
      s.on('error', (e) => resolve(e.code));
    });
    console.log('probe ' + host + ':' + port + ' ' + result);
  }
})();`;

/** Packets the host-facing chain answered with a TCP reset so far. */
function resets(): number {
  let listing = '';
  try {
    listing = ipt('-L', `${FIREWALL_CHAIN}-IN`, '-v', '-x', '-n');
  } catch {
    return 0;
  }
  return listing
    .split('\n')
    .filter((l) => l.includes('tcp-reset'))
    .reduce((sum, l) => sum + Number(l.trim().split(/\s+/)[0]), 0);
}

function inRange(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const n = (a: string) => a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / size) === Math.floor(n(base) / size);
}

describe('the build network firewall (real engine, iptables)', () => {
  let image: string;
  let gateway: string;
  const servers: Server[] = [];
  const ports: number[] = [];
  const dirs: string[] = [];

  const listen = (host: string) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer((socket) => {
        socket.on('error', () => undefined); // the probe resets its connections
        socket.end('hello\n');
      });
      servers.push(server);
      server.once('error', reject);
      server.listen(0, host, () => resolve((server.address() as { port: number }).port));
    });

  const spec = (targets: [string, number][]): BuildSpec => {
    const outputDir = scratchDir();
    dirs.push(outputDir);
    return {
      deploymentId: newId('dpl'),
      projectId: PROJECT,
      sourceDir: `${FIXTURE_SITES}/static-site`,
      outputDir,
      settings: { buildCommand: `node -e "$PROBE_SCRIPT"` },
      env: { PROBE_SCRIPT: PROBE, PROBE_TARGETS: JSON.stringify(targets) },
      limits: TEST_LIMITS,
      logSeqBase: 1,
    };
  };

  async function probe(runner: DockerBuildRunner): Promise<string[]> {
    const log = lineCollector();
    const build = await runner.start(spec([[gateway, ports[0]], [gateway, ports[1]], [gateway, 5432]]), log.onLine);
    await build.outcome;
    await build.dispose();
    return log.lines.map((l) => l.message).filter((m) => m.startsWith('probe '));
  }

  beforeAll(async () => {
    image = await builderImage();
    // The network as the runner creates it, made first so the listeners can bind its gateway address.
    await docker.createNetwork({ Name: NETWORK, Driver: 'bridge', Options: { 'com.docker.network.bridge.enable_icc': 'false' }, Labels: { 'io.deploysphere.role': 'test' } });
    const info = (await docker.getNetwork(NETWORK).inspect()) as { IPAM: { Config: { Gateway: string }[] } };
    gateway = info.IPAM.Config[0].Gateway;
    ports.push(await listen('0.0.0.0'), await listen(gateway));
  }, 600_000);

  afterAll(async () => {
    for (const s of servers) s.close();
    await docker.getNetwork(NETWORK).remove().catch(() => undefined);
    await docker.getVolume(`ds-cache-${PROJECT}`).remove().catch(() => undefined);
    dirs.forEach(removeDir);
  }, 60_000);

  it('without it a build reaches the host (the control); behind it every attempt is refused by the rules', async () => {
    const open = new DockerBuildRunner({ image, network: NETWORK, logMaxBytes: 1_000_000, stopGraceSeconds: 2 });
    expect(await probe(open)).toEqual([`probe ${gateway}:${ports[0]} open`, `probe ${gateway}:${ports[1]} open`, expect.stringMatching(new RegExp(`^probe ${gateway}:5432 `))]);

    const guarded = new DockerBuildRunner({ image, network: NETWORK, logMaxBytes: 1_000_000, stopGraceSeconds: 2, firewall: { instanceId: `test-${NETWORK}` } });
    try {
      const before = resets();
      expect(await probe(guarded)).toEqual([
        `probe ${gateway}:${ports[0]} ECONNREFUSED`,
        `probe ${gateway}:${ports[1]} ECONNREFUSED`,
        `probe ${gateway}:5432 ECONNREFUSED`,
      ]);
      // Refused by the rule (its counter moved), not by an absent listener.
      expect(resets()).toBeGreaterThanOrEqual(before + 3);
    } finally {
      await guarded.removeFirewall();
    }
  }, 300_000);

  it('is scoped to the bridge, idempotent, shared by several orchestrators, removed per instance, and leaves public addresses routable', async () => {
    const bridge = await new DockerBuildRunner({ image, network: NETWORK, logMaxBytes: 1000 }).bridgeOf();
    const a = new BuildNetworkFirewall({ bridge, instanceId: `a-${NETWORK}` });
    const b = new BuildNetworkFirewall({ bridge, instanceId: `b-${NETWORK}` });
    // Allowances inside refused ranges (test addresses, deleted below): a resolver and a registry.
    const allow = { dns: ['10.99.253.53'], registry: ['192.168.253.10'] };
    const allowing = new BuildNetworkFirewall({ bridge, instanceId: `c-${NETWORK}`, allow });
    const allowances = [
      ['-d', '10.99.253.53/32', '-p', 'tcp', '-m', 'tcp', '--dport', '53', '-j', 'RETURN'],
      ['-d', '10.99.253.53/32', '-p', 'udp', '-m', 'udp', '--dport', '53', '-j', 'RETURN'],
      ['-d', '192.168.253.10/32', '-p', 'tcp', '-m', 'multiport', '--dports', '80,443', '-j', 'RETURN'],
    ];
    const jumps = () => ipt('-S', 'DOCKER-USER').split('\n').filter((l) => l.includes(NETWORK));
    try {
      await a.install();
      await a.install(); // a restart: nothing doubled
      await b.install();
      await allowing.install();
      expect(jumps()).toEqual([
        `-A DOCKER-USER -i ${bridge} -m comment --comment "deploysphere:c-${NETWORK}" -j ${FIREWALL_CHAIN}`,
        `-A DOCKER-USER -i ${bridge} -m comment --comment "deploysphere:b-${NETWORK}" -j ${FIREWALL_CHAIN}`,
        `-A DOCKER-USER -i ${bridge} -m comment --comment "deploysphere:a-${NETWORK}" -j ${FIREWALL_CHAIN}`,
      ]);
      expect(ipt('-S', 'INPUT').split('\n').filter((l) => l.includes(NETWORK))).toHaveLength(3);
      const chain = ipt('-S', FIREWALL_CHAIN).split('\n').filter((l) => l.startsWith('-A'));
      // Each private range refused, nothing else: no rule without a destination range but the reply allowance.
      for (const range of BLOCKED_RANGES) expect(chain).toContain(`-A ${FIREWALL_CHAIN} -d ${range} -p tcp -j REJECT --reject-with tcp-reset`);
      expect(chain.filter((l) => !l.includes(' -d '))).toEqual([`-A ${FIREWALL_CHAIN} -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN`]);
      // The allowances come before every refusal.
      const firstRefusal = chain.findIndex((l) => l.includes('REJECT'));
      for (const rule of allowances) {
        const at = chain.indexOf(`-A ${FIREWALL_CHAIN} ${rule.join(' ')}`);
        expect(at).toBeGreaterThanOrEqual(0);
        expect(at).toBeLessThan(firstRefusal);
      }
      // The npm registry as this machine resolves it is outside every refused range.
      const registry = execFileSync('getent', ['hosts', 'registry.npmjs.org'], { encoding: 'utf8' }).split(/\s+/)[0];
      expect(BLOCKED_RANGES.filter((r) => inRange(registry, r))).toEqual([]);

      await a.remove();
      expect(jumps()).toEqual([
        `-A DOCKER-USER -i ${bridge} -m comment --comment "deploysphere:c-${NETWORK}" -j ${FIREWALL_CHAIN}`,
        `-A DOCKER-USER -i ${bridge} -m comment --comment "deploysphere:b-${NETWORK}" -j ${FIREWALL_CHAIN}`,
      ]);
      await a.remove(); // idempotent
    } finally {
      await a.remove();
      await b.remove();
      await allowing.remove();
      for (const rule of allowances) ipt('-D', FIREWALL_CHAIN, ...rule);
    }
    expect(jumps()).toEqual([]);
    expect(ipt('-S', 'INPUT').split('\n').filter((l) => l.includes(NETWORK))).toEqual([]);
  }, 120_000);
});
