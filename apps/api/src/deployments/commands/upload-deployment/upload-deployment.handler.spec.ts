import { Readable } from 'node:stream';
import type { DeploymentRepository } from '@deploysphere/deployments';
import type { SourceUploads } from '@deploysphere/source';
import type { PrismaService } from '@deploysphere/database';
import type { ConfigType, httpConfig } from '@deploysphere/config';
import { SiteUrls } from '../../../http/site-urls';
import { DeploymentPresenter } from '../../deployment.presenter';
import { UploadDeploymentCommand } from './upload-deployment.command';
import { UploadDeploymentHandler } from './upload-deployment.handler';

const caller = { tokenId: 'tok_1', teamId: 'team_1', role: 'member' as const, operator: false };

function setup(options: { projectExists?: boolean; projectGoneMeanwhile?: boolean; writeFails?: boolean } = {}) {
  const row = (id: string) => ({ id, projectId: 'prj_1', status: 'QUEUED', target: 'PREVIEW', source: 'UPLOAD', createdAt: new Date(), gitRef: null, commitSha: null });
  // Its events are published by the outbox writer after commit (tested with OutboxWriter).
  const writer = {
    isProjectVisible: jest.fn().mockResolvedValue(options.projectExists !== false),
    createQueuedIfProjectVisible: jest.fn(async (request: { id?: string }) => {
      if (options.writeFails) throw new Error('database unavailable');
      return options.projectGoneMeanwhile ? undefined : row(request.id!);
    }),
  };
  const uploads = {
    accept: jest.fn(async (key: string) => ({ sourceKey: key, files: 1, compressedBytes: 10, extractedBytes: 20 })),
    discard: jest.fn().mockResolvedValue(undefined),
  };
  // A QUEUED deployment has no URL yet: the presenter reads nothing for it.
  const presenter = new DeploymentPresenter({} as PrismaService, new SiteUrls({ rootDomain: 'localhost', edgePublic: { scheme: 'http', port: ':8080' } } as ConfigType<typeof httpConfig>));
  const handler = new UploadDeploymentHandler(writer as Pick<DeploymentRepository, keyof typeof writer> as DeploymentRepository, uploads as unknown as SourceUploads, presenter);
  const command = new UploadDeploymentCommand(caller, 'prj_1', 'PREVIEW', Readable.from([Buffer.from('x')]), 1, 'req-1');
  return { handler, command, writer, uploads };
}

describe('UploadDeploymentHandler', () => {
  it('stores the archive under the deployment id and records the deployment with that key', async () => {
    const { handler, command, writer, uploads } = setup();
    const dto = await handler.execute(command);
    const key = uploads.accept.mock.calls[0][0];
    expect(key).toBe(`${dto.id}.tar.gz`);
    expect(writer.createQueuedIfProjectVisible.mock.calls[0][0]).toMatchObject({ id: dto.id, source: 'UPLOAD', sourceKey: key, target: 'PREVIEW', teamId: 'team_1', createdByTokenId: 'tok_1' });
    expect(uploads.discard).not.toHaveBeenCalled();
  });

  it('reads nothing for a project the caller cannot see', async () => {
    const { handler, command, uploads } = setup({ projectExists: false });
    await expect(handler.execute(command)).rejects.toMatchObject({ code: 'PROJECT_NOT_FOUND' });
    expect(uploads.accept).not.toHaveBeenCalled();
  });

  it('removes the stored archive when the deployment cannot be recorded', async () => {
    const { handler, command, uploads } = setup({ writeFails: true });
    await expect(handler.execute(command)).rejects.toThrow('database unavailable');
    expect(uploads.discard).toHaveBeenCalledWith(uploads.accept.mock.calls[0][0]);
  });

  it('a project deleted while its archive was read: 404, and the archive is removed', async () => {
    const { handler, command, uploads } = setup({ projectGoneMeanwhile: true });
    await expect(handler.execute(command)).rejects.toMatchObject({ code: 'PROJECT_NOT_FOUND' });
    expect(uploads.discard).toHaveBeenCalledWith(uploads.accept.mock.calls[0][0]);
  });
});
