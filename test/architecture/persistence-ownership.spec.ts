import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { withFileTree } from '../support/file-tree';

const ROOT = join(__dirname, '../..');

/**
 * What apps leave to libs/deployments (deployments and project aliases), libs/certificates
 * (custom-domain certificates, ACME challenges and account) and libs/messaging (the outbox and
 * processed-message tables, and nudging the relay after a commit).
 */
const OWNED: Array<{ owner: string; pattern: RegExp }> = [
  { owner: 'messaging', pattern: /\b(outbox_messages|processed_messages)\b/ },
  { owner: 'messaging', pattern: /\.(outboxMessage|processedMessage)\s*\.\s*[a-zA-Z]+\s*\(/ },
  { owner: 'messaging', pattern: /\brelay\s*\.\s*nudge\s*\(|\bOutboxRelay\b/ },
  { owner: 'deployments', pattern: /\bproject_aliases\b/ },
  // SQL keywords in capitals, as the codebase writes them (prose says "into deployments").
  { owner: 'deployments', pattern: /\b(FROM|JOIN|UPDATE|INTO)\s+deployments\b/ },
  { owner: 'deployments', pattern: /\.(deployment|projectAlias)\s*\.\s*[a-zA-Z]+\s*\(/ },
  { owner: 'certificates', pattern: /\b(acme_challenges|acme_accounts)\b|\b(FROM|JOIN|UPDATE|INTO)\s+certificates\b/ },
  { owner: 'certificates', pattern: /\.(certificate|acmeChallenge|acmeAccount)\s*\.\s*[a-zA-Z]+\s*\(/ },
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ['generated', 'node_modules', 'test-support'].includes(entry.name) ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Raw SQL (a `$queryRaw`/`$executeRaw` or a `Prisma.sql` template) in an app is written in its repositories only. */
const RAW_SQL = /\$(queryRaw|executeRaw)(Unsafe)?\b|\bPrisma\.sql\b/;
const REPOSITORY_FILE = /(\.repository|-records)\.ts$/;

function rawSqlOutsideRepositories(root: string): string[] {
  return sources(join(root, 'apps'))
    .filter((file) => !REPOSITORY_FILE.test(file) && RAW_SQL.test(readFileSync(file, 'utf8')))
    .map((file) => relative(root, file));
}

/** `file: owner` for each app source file that does what a lib owns. */
function trespasses(root: string): string[] {
  return sources(join(root, 'apps')).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const owners = [...new Set(OWNED.filter(({ pattern }) => pattern.test(text)).map(({ owner }) => owner))];
    return owners.map((owner) => `${relative(root, file)}: ${owner}`);
  });
}

describe('deployment, alias, certificate and outbox persistence belongs to libs', () => {
  it('no app names their tables, uses their Prisma models or nudges the outbox relay', () => {
    expect(trespasses(ROOT)).toEqual([]);
  });

  it('finds each kind of trespass and leaves specs, test support and other tables alone', () => {
    const files: Record<string, string> = {
      'apps/a/src/outbox.ts': 'await tx.$executeRaw`INSERT INTO outbox_messages (id) VALUES (1)`;',
      'apps/a/src/processed.ts': "await prisma.processedMessage.count({ where: { consumer: 'x' } });",
      'apps/a/src/nudge.ts': 'this.relay.nudge();',
      'apps/b/src/raw.ts': 'await this.prisma.query(Prisma.sql`UPDATE deployments SET status = ${s}`);',
      'apps/b/src/join.ts': 'SELECT 1 FROM projects p JOIN deployments d ON d.project_id = p.id',
      'apps/b/src/model.ts': 'await tx.deployment.update({ where: { id } });',
      'apps/b/src/alias.ts': 'await tx.projectAlias.upsert({});',
      'apps/b/src/aliases.ts': 'SELECT deployment_id FROM project_aliases',
      'apps/d/src/certs.ts': 'await prisma.certificate.findMany({});',
      'apps/d/src/challenges.ts': 'DELETE FROM acme_challenges WHERE token = $1',
      'apps/d/src/renew.ts': "UPDATE certificates SET state = 'ISSUED'",
      'apps/d/src/prose.ts': '/** Serves the certificates of custom domains. */',
      'apps/c/src/clean.ts': 'await tx.project.findFirst({ include: { alias: true } }); const deployments = [];',
      'apps/c/src/scheduler.ts': 'this.scheduler.nudge();',
      'apps/c/src/git.module.ts': '/** The push webhook that turns pushes into deployments. */',
      'apps/c/src/handler.spec.ts': 'await prisma.deployment.findMany();',
      'apps/c/test-support/seed.ts': 'await prisma.deployment.create({});',
    };
    withFileTree(files, (root) => {
      expect(trespasses(root).sort()).toEqual([
        'apps/a/src/nudge.ts: messaging',
        'apps/a/src/outbox.ts: messaging',
        'apps/a/src/processed.ts: messaging',
        'apps/b/src/alias.ts: deployments',
        'apps/b/src/aliases.ts: deployments',
        'apps/b/src/join.ts: deployments',
        'apps/b/src/model.ts: deployments',
        'apps/b/src/raw.ts: deployments',
        'apps/d/src/certs.ts: certificates',
        'apps/d/src/challenges.ts: certificates',
        'apps/d/src/renew.ts: certificates',
      ]);
    });
  });
});

describe('raw SQL in apps stays in repositories', () => {
  it('no app file but a repository writes raw SQL', () => {
    expect(rawSqlOutsideRepositories(ROOT)).toEqual([]);
  });

  it('finds raw SQL in handlers and services, and leaves repositories, specs and test support alone', () => {
    const files: Record<string, string> = {
      'apps/d/src/lock.handler.ts': 'await tx.$queryRaw`SELECT id FROM domains FOR UPDATE`;',
      'apps/d/src/pool.service.ts': 'await this.prisma.query(Prisma.sql`SELECT id FROM projects`);',
      'apps/d/src/unsafe.ts': "await tx.$executeRawUnsafe('SELECT 1');",
      'apps/d/src/model.handler.ts': 'await tx.domain.delete({ where: { id } });',
      'apps/d/src/domain.repository.ts': 'await tx.$queryRaw`SELECT id FROM domains FOR UPDATE`;',
      'apps/d/src/app-instance-records.ts': 'await this.prisma.$executeRaw(Prisma.sql`INSERT INTO app_instances (id) VALUES (1)`);',
      'apps/d/src/lock.handler.spec.ts': 'await db.$executeRawUnsafe(`TRUNCATE domains`);',
      'apps/d/test-support/seed.ts': 'await prisma.$executeRaw`INSERT INTO domains (id) VALUES (1)`;',
    };
    withFileTree(files, (root) => {
      expect(rawSqlOutsideRepositories(root).sort()).toEqual(['apps/d/src/lock.handler.ts', 'apps/d/src/pool.service.ts', 'apps/d/src/unsafe.ts']);
    });
  });
});
