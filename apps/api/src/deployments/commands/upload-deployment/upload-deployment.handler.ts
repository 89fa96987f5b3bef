import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { newId, NotFoundError } from '@deploysphere/common';
import { DEPLOYMENT_REPOSITORY, type DeploymentRepository } from '@deploysphere/deployments';
import { SourceUploads } from '@deploysphere/source';
import { DeploymentPresenter } from '../../deployment.presenter';
import type { DeploymentDto } from '../../deployment.response.dto';
import { UploadDeploymentCommand } from './upload-deployment.command';

/**
 * Checks and stores the archive under `sources/<deploymentId>.tar.gz`, then records the
 * deployment (row + event, one statement). A rejected archive stores nothing; when the
 * deployment cannot be recorded after the archive was stored, the archive is removed again.
 */
@CommandHandler(UploadDeploymentCommand)
export class UploadDeploymentHandler implements ICommandHandler<UploadDeploymentCommand> {
  private readonly logger = new Logger(UploadDeploymentHandler.name);

  constructor(
    @Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository,
    private readonly uploads: SourceUploads,
    private readonly presenter: DeploymentPresenter,
  ) {}

  async execute({ caller, projectId, target, archive, declaredBytes, correlationId }: UploadDeploymentCommand): Promise<DeploymentDto> {
    // Before reading a byte: an unknown project costs the caller nothing to learn, and us nothing to store.
    if (!(await this.deployments.isProjectVisible(caller.teamId, projectId))) throw new NotFoundError('project', projectId);

    const id = newId('dpl');
    const upload = await this.uploads.accept(`${id}.tar.gz`, archive, declaredBytes);
    let deployment;
    try {
      // The project may have been deleted while the archive was read: checked again, in the write.
      deployment = await this.deployments.createQueuedIfProjectVisible({
        id,
        projectId,
        teamId: caller.teamId,
        target,
        source: 'UPLOAD',
        sourceKey: upload.sourceKey,
        createdByTokenId: caller.tokenId,
        correlationId,
      });
      if (!deployment) throw new NotFoundError('project', projectId);
    } catch (error) {
      await this.uploads.discard(upload.sourceKey).catch((cleanup: unknown) =>
        this.logger.error({ err: cleanup, sourceKey: upload.sourceKey }, 'could not remove the archive of a deployment that was not recorded'),
      );
      throw error;
    }
    this.logger.log(
      { deploymentId: id, projectId, files: upload.files, compressedBytes: upload.compressedBytes, extractedBytes: upload.extractedBytes, correlationId },
      'source upload accepted',
    );
    return this.presenter.one(deployment);
  }
}
