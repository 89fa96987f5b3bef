import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { DomainDto } from '../../domain.response.dto';
import { AddDomainCommand } from './add-domain.command';
import { AddDomainRequestDto } from './add-domain.request.dto';

@ApiTags('domains')
@Controller('v1/projects')
export class AddDomainHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':projectId/domains')
  @HttpCode(201)
  @RequireRole('member')
  @ApiOperation({
    summary: 'Attach a custom domain to a project',
    description:
      'The answer holds the TXT record to create (`_deploysphere.<hostname>` = `deploysphere-verify=<token>`); then call verify. ' +
      'Nothing is served at the domain until it is verified. 422 VALIDATION_FAILED for an invalid name, an IP address or the ' +
      "platform's own domain; 409 DOMAIN_TAKEN when any project already has it.",
    operationId: 'addDomain',
  })
  @ApiCreatedResponse({ type: DomainDto })
  @ApiProblems(404, 409, 413)
  add(@Ctx() ctx: RequestContext, @IdParam('projectId', 'project') projectId: string, @Body() body: AddDomainRequestDto): Promise<DomainDto> {
    return this.commands.execute(new AddDomainCommand(ctx.principal.teamId, projectId, body.hostname));
  }
}
