import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Destinations a build may not reach through the forward path: the private and special ranges
 * (other hosts of the site, cloud metadata at 169.254.169.254, carrier-grade NAT, loopback
 * networks). Everything else — the package registries, the internet — stays routable.
 */
export const BLOCKED_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '0.0.0.0/8', '224.0.0.0/4', '240.0.0.0/4'];

/** The chain holding the refusals; shared by every orchestrator of the host, jumped to per instance. */
export const FIREWALL_CHAIN = 'DEPLOYSPHERE-BUILDS';

export interface FirewallOptions {
  /** The build network's Linux bridge (e.g. `br-3f2a…`). */
  bridge: string;
  /** Marks this instance's jump rules, so stopping one orchestrator removes only its own. */
  instanceId: string;
  /** The iptables program (tests may point at another). */
  iptables?: string;
  /**
   * The chain forwarded traffic is checked in: DOCKER-USER on an engine's bridge (the engine
   * jumps to it first), CNI-ADMIN on a CNI bridge (the CNI firewall plugin jumps to it before it
   * accepts a container's traffic). Created when missing.
   */
  forwardChain?: 'DOCKER-USER' | 'CNI-ADMIN';
  /**
   * Let through before the refusals, even inside a refused range: the DNS servers the engine
   * forwards a build's lookups to (port 53) and the package registry's addresses (ports 80, 443).
   */
  allow?: { dns?: string[]; registry?: string[] };
}

/**
 * Keeps builds away from the host and the private networks (docs/builder.md): packets from the
 * build bridge go through FIREWALL_CHAIN, which answers connection attempts to the ranges above with
 * a TCP reset / ICMP refusal (replies to connections the build opened itself still pass). The chain
 * is jumped to from DOCKER-USER (forwarded traffic: other hosts, metadata) and from INPUT (the host
 * itself, at any of its addresses: services bound to 0.0.0.0, the bridge gateway). Everything is
 * checked with `-C` before it is added, so starting again, or several orchestrators on one host,
 * changes nothing; `remove` deletes only this instance's jumps (the chain stays for the others).
 */
export class BuildNetworkFirewall {
  private readonly iptables: string;
  private readonly comment: string;

  private get forwardChain(): string {
    return this.options.forwardChain ?? 'DOCKER-USER';
  }

  constructor(private readonly options: FirewallOptions) {
    this.iptables = options.iptables ?? 'iptables';
    this.comment = `deploysphere:${options.instanceId}`.slice(0, 255);
  }

  async install(): Promise<void> {
    await this.ipt(['-w', '-N', FIREWALL_CHAIN]).catch((err: Error) => {
      if (!/exists/i.test(err.message)) throw err;
    });
    const rules: string[][] = [
      ['-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'RETURN'],
      ...BLOCKED_RANGES.flatMap((range) => [
        ['-d', range, '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset'],
        ['-d', range, '-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited'],
      ]),
    ];
    for (const rule of rules) await this.ensure(FIREWALL_CHAIN, rule, 'append');
    // Allowances go first, whatever the chain already holds.
    const { dns = [], registry = [] } = this.options.allow ?? {};
    for (const address of dns) {
      for (const proto of ['udp', 'tcp']) await this.ensure(FIREWALL_CHAIN, ['-d', address, '-p', proto, '--dport', '53', '-j', 'RETURN'], 'insert');
    }
    for (const address of registry) {
      await this.ensure(FIREWALL_CHAIN, ['-d', address, '-p', 'tcp', '-m', 'multiport', '--dports', '80,443', '-j', 'RETURN'], 'insert');
    }
    // INPUT: every packet from a build to the host itself is refused (no range test: the host's own public address counts too).
    await this.ensure('INPUT', ['-i', this.options.bridge, '-m', 'comment', '--comment', this.comment, '-j', FIREWALL_CHAIN + '-IN'], 'insert', async () => {
      await this.ipt(['-w', '-N', FIREWALL_CHAIN + '-IN']).catch((err: Error) => {
        if (!/exists/i.test(err.message)) throw err;
      });
      await this.ensure(FIREWALL_CHAIN + '-IN', ['-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'RETURN'], 'append');
      await this.ensure(FIREWALL_CHAIN + '-IN', ['-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset'], 'append');
      await this.ensure(FIREWALL_CHAIN + '-IN', ['-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited'], 'append');
    });
    await this.ipt(['-w', '-N', this.forwardChain]).catch((err: Error) => {
      if (!/exists/i.test(err.message)) throw err;
    });
    await this.ensure(this.forwardChain, ['-i', this.options.bridge, '-m', 'comment', '--comment', this.comment, '-j', FIREWALL_CHAIN], 'insert');
  }

  /** Removes this instance's jumps (idempotent). */
  async remove(): Promise<void> {
    for (const [chain, target] of [
      ['INPUT', FIREWALL_CHAIN + '-IN'],
      [this.forwardChain, FIREWALL_CHAIN],
    ]) {
      const rule = ['-i', this.options.bridge, '-m', 'comment', '--comment', this.comment, '-j', target];
      while (await this.exists(chain, rule)) await this.ipt(['-w', '-D', chain, ...rule]);
    }
  }

  /** `iptables -S` of the chains involved, for diagnostics and tests. */
  async rules(): Promise<string> {
    const out: string[] = [];
    for (const chain of ['INPUT', this.forwardChain, FIREWALL_CHAIN, FIREWALL_CHAIN + '-IN']) {
      out.push(await this.ipt(['-w', '-S', chain]).catch(() => ''));
    }
    return out.join('');
  }

  private async ensure(chain: string, rule: string[], how: 'append' | 'insert', before?: () => Promise<void>): Promise<void> {
    if (await this.exists(chain, rule)) return;
    await before?.();
    await this.ipt(['-w', how === 'append' ? '-A' : '-I', chain, ...(how === 'insert' ? ['1'] : []), ...rule]);
  }

  private async exists(chain: string, rule: string[]): Promise<boolean> {
    try {
      await this.ipt(['-w', '-C', chain, ...rule]);
      return true;
    } catch {
      return false;
    }
  }

  private async ipt(args: string[]): Promise<string> {
    try {
      return (await run(this.iptables, args, { timeout: 10_000 })).stdout;
    } catch (err) {
      const e = err as Error & { stderr?: string };
      throw new Error(`${this.iptables} ${args.join(' ')}: ${(e.stderr || e.message).trim()}`);
    }
  }
}

/** The IPv4 name servers of this host (not loopback): a build's or an app's DNS lookups are forwarded to them. */
export async function hostNameservers(): Promise<string[]> {
  const text = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  return [...text.matchAll(/^\s*nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*$/gm)].map((m) => m[1]).filter((ip) => !ip.startsWith('127.'));
}
