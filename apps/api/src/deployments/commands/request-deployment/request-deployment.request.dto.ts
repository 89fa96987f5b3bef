import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { DEPLOYMENT_TARGETS, type DeploymentTargetName } from '@deploysphere/contracts';
import { BRANCH } from '../../../projects/project-settings.dto';

const COMMIT_SHA = /^[0-9a-f]{7,64}$/;

/** A JSON body deploys from the project's git repository; an archive upload is the other source. */
export class RequestDeploymentRequestDto {
  @ApiPropertyOptional({ enum: DEPLOYMENT_TARGETS, default: 'PRODUCTION', description: 'PRODUCTION moves the project\'s live URL when ready' })
  @IsOptional() @IsIn(DEPLOYMENT_TARGETS)
  target?: DeploymentTargetName;

  @ApiPropertyOptional({ example: 'main', pattern: BRANCH.source, description: 'Branch or tag; the project\'s production branch when omitted' })
  @IsOptional() @Matches(BRANCH, { message: 'gitRef must be a valid git branch or tag name' })
  gitRef?: string;

  @ApiPropertyOptional({ example: '3f9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3', pattern: COMMIT_SHA.source, description: 'Exact commit to build' })
  @IsOptional() @Matches(COMMIT_SHA, { message: 'commitSha must be 7–64 lower-case hex characters' })
  commitSha?: string;
}

/** `?target=` is how an archive upload (whose body is the archive) names its target; a JSON body may use either. */
export class RequestDeploymentQueryDto {
  @ApiPropertyOptional({ enum: DEPLOYMENT_TARGETS, description: 'Target of an archive upload (default PRODUCTION)' })
  @IsOptional() @IsIn(DEPLOYMENT_TARGETS)
  target?: DeploymentTargetName;
}
