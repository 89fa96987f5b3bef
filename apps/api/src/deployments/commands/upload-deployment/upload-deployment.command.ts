import { Command } from '@nestjs/cqrs';
import type { Readable } from 'node:stream';
import type { DeploymentTargetName } from '@deploysphere/contracts';
import type { Principal } from '@deploysphere/auth';
import type { DeploymentDto } from '../../deployment.response.dto';

/** Deploy an uploaded source directory: `archive` is the gzipped tar, read once as a stream. */
export class UploadDeploymentCommand extends Command<DeploymentDto> {
  constructor(
    readonly caller: Principal,
    readonly projectId: string,
    readonly target: DeploymentTargetName,
    readonly archive: Readable,
    /** Content-Length, when the client sent one: an archive declared too large is refused before it is read. */
    readonly declaredBytes: number | undefined,
    readonly correlationId: string,
  ) {
    super();
  }
}
