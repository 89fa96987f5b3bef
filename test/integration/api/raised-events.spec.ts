import 'reflect-metadata';
import { CommandBus, EventBus, UnhandledExceptionBus, type UnhandledExceptionInfo } from '@nestjs/cqrs';
import type { TestingModule } from '@nestjs/testing';
import { newId } from '@deploysphere/common';
import { DomainRemovedV1, DomainVerifiedV1, ProjectDeletedV1 } from '@deploysphere/contracts';
import { createTestDatabase, type TestDatabase } from '@deploysphere/testing';
import { RemoveDomainCommand } from '../../../apps/api/src/domains/commands/remove-domain/remove-domain.command';
import { RemoveDomainHandler } from '../../../apps/api/src/domains/commands/remove-domain/remove-domain.handler';
import { VerifyDomainCommand } from '../../../apps/api/src/domains/commands/verify-domain/verify-domain.command';
import { VerifyDomainHandler } from '../../../apps/api/src/domains/commands/verify-domain/verify-domain.handler';
import { DNS_RESOLVER } from '../../../apps/api/src/domains/dns/dns-resolver.port';
import { verificationRecord } from '../../../apps/api/src/domains/domain-verification';
import { DomainRepository } from '../../../apps/api/src/domains/domain.repository';
import { DeleteProjectCommand } from '../../../apps/api/src/projects/commands/delete-project/delete-project.command';
import { DeleteProjectHandler } from '../../../apps/api/src/projects/commands/delete-project/delete-project.handler';
import { FakeDnsResolver } from '../../../apps/api/test-support/fake-dns-resolver';
import { startMessagingApp } from '../../support/messaging-app';

// The api's use cases raise their integration events on the CQRS EventBus inside the transaction
// of their state change: in-process handlers get the contract class, and the outbox gets the row
// with the change, or nothing when the change rolls back.
let db: TestDatabase;
let app: TestingModule;
const dns = new FakeDnsResolver();
const raised: object[] = [];
const unhandled: UnhandledExceptionInfo<unknown>[] = [];

beforeAll(async () => {
  db = await createTestDatabase('postgres');
  app = await startMessagingApp(db, {
    relay: false,
    providers: [DeleteProjectHandler, RemoveDomainHandler, VerifyDomainHandler, DomainRepository, { provide: DNS_RESOLVER, useValue: dns }],
  });
  app.get(EventBus).subscribe((event: object) => void raised.push(event));
  app.get(UnhandledExceptionBus).subscribe((info: UnhandledExceptionInfo<unknown>) => void unhandled.push(info));
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

async function project(): Promise<{ teamId: string; projectId: string; slug: string }> {
  const teamId = newId('team');
  const projectId = newId('prj');
  const slug = projectId.replace('_', '-');
  await db.prisma.team.create({ data: { id: teamId, name: 'Team', slug: teamId.replace('_', '-') } });
  await db.prisma.project.create({ data: { id: projectId, teamId, name: 'Site', slug } });
  return { teamId, projectId, slug };
}

async function domain(projectId: string, hostname: string): Promise<{ id: string; token: string }> {
  const id = newId('dom');
  const token = `token-${id}`;
  await db.prisma.domain.create({ data: { id, projectId, hostname, verificationToken: token } });
  return { id, token };
}

const outbox = (type: string, key: string) => db.prisma.outboxMessage.findMany({ where: { type, key } });
const raisedFor = <T extends object>(eventClass: new () => T, projectId: string) =>
  raised.filter((e): e is T => e instanceof eventClass && (e as { projectId?: string }).projectId === projectId);

it('verifying a domain raises DomainVerified on the EventBus and writes it to the outbox once', async () => {
  const { teamId, projectId, slug } = await project();
  const d = await domain(projectId, `www.${projectId.replace('_', '-')}.example`);
  const record = verificationRecord(`www.${projectId.replace('_', '-')}.example`, d.token);
  dns.setTxt(record.name, record.value);

  await app.get(CommandBus).execute(new VerifyDomainCommand(teamId, projectId, d.id, 'req-verify'));
  await app.get(CommandBus).execute(new VerifyDomainCommand(teamId, projectId, d.id, 'req-verify-again'));

  expect(raisedFor(DomainVerifiedV1, projectId)).toEqual([expect.objectContaining({ projectId, slug, domainId: d.id })]);
  const rows = await outbox(DomainVerifiedV1.type, projectId);
  expect(rows).toHaveLength(1);
  expect(rows[0].payload).toMatchObject({ correlationId: 'req-verify', payload: { domainId: d.id, slug } });
});

it('removing a verified domain raises DomainRemoved; an unverified one raises nothing', async () => {
  const { teamId, projectId } = await project();
  const verified = await domain(projectId, `a.${projectId.replace('_', '-')}.example`);
  await db.prisma.domain.update({ where: { id: verified.id }, data: { verifiedAt: new Date() } });
  const unverified = await domain(projectId, `b.${projectId.replace('_', '-')}.example`);

  await app.get(CommandBus).execute(new RemoveDomainCommand(teamId, projectId, unverified.id, 'req-remove-1'));
  await app.get(CommandBus).execute(new RemoveDomainCommand(teamId, projectId, verified.id, 'req-remove-2'));

  expect(raisedFor(DomainRemovedV1, projectId)).toEqual([expect.objectContaining({ domainId: verified.id })]);
  expect((await outbox(DomainRemovedV1.type, projectId)).map((r) => (r.payload as { correlationId: string }).correlationId)).toEqual(['req-remove-2']);
  expect(await db.prisma.domain.count({ where: { projectId } })).toBe(0);
});

it('deleting a project raises ProjectDeleted with the delete; another team asking changes nothing and raises nothing', async () => {
  const { teamId, projectId, slug } = await project();
  await expect(app.get(CommandBus).execute(new DeleteProjectCommand(newId('team'), projectId, 'req-outsider'))).rejects.toMatchObject({
    code: 'PROJECT_NOT_FOUND',
  });
  expect(raisedFor(ProjectDeletedV1, projectId)).toEqual([]);

  await app.get(CommandBus).execute(new DeleteProjectCommand(teamId, projectId, 'req-delete'));

  expect(raisedFor(ProjectDeletedV1, projectId)).toEqual([expect.objectContaining({ projectId, slug })]);
  expect(raisedFor(ProjectDeletedV1, projectId)[0]).toBeInstanceOf(ProjectDeletedV1);
  expect(await outbox(ProjectDeletedV1.type, projectId)).toHaveLength(1);
  expect(await db.prisma.project.count({ where: { id: projectId } })).toBe(0);
  expect(unhandled).toEqual([]);
});
