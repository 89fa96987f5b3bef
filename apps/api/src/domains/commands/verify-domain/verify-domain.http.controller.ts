import { Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { PROBLEM_CONTENT_TYPE } from '../../../http/problem-details';
import { DomainDto } from '../../domain.response.dto';
import { VerificationFailedProblemDto } from './verification-failed.response.dto';
import { VerifyDomainCommand } from './verify-domain.command';

@ApiTags('domains')
@Controller('v1/projects')
export class VerifyDomainHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':projectId/domains/:domainId/verify')
  @HttpCode(200)
  @RequireRole('member')
  @ApiOperation({
    summary: "Verify a custom domain's TXT record",
    description:
      'Looks up `_deploysphere.<hostname>`; when one TXT record there is `deploysphere-verify=<token>` the domain is verified and ' +
      "the edge router serves it as the project's production URL within a second. Otherwise 409 DOMAIN_VERIFICATION_FAILED " +
      'with `expected` (the record to create) and `found` (the TXT values seen), plus `lookupError` when DNS did not answer. ' +
      'Verifying a verified domain changes nothing.',
    operationId: 'verifyDomain',
  })
  @ApiOkResponse({ type: DomainDto })
  @ApiResponse({
    status: 409,
    description: 'DOMAIN_VERIFICATION_FAILED: the record is missing or wrong, or DNS did not answer',
    type: VerificationFailedProblemDto,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/VerificationFailedProblemDto' } } },
  })
  @ApiProblems(404, 409)
  verify(
    @Ctx() ctx: RequestContext,
    @IdParam('projectId', 'project') projectId: string,
    @IdParam('domainId', 'domain') domainId: string,
  ): Promise<DomainDto> {
    return this.commands.execute(new VerifyDomainCommand(ctx.principal.teamId, projectId, domainId, ctx.correlationId));
  }
}
