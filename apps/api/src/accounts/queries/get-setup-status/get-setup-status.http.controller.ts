import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@deploysphere/bootstrap';
import { PrismaService } from '@deploysphere/database';
import { SetupStatusDto } from '../../account.response.dto';

/** One count, nothing to decide: answered here rather than through the query bus. */
@ApiTags('auth')
@Controller('v1/auth/setup')
export class GetSetupStatusHttpController {
  constructor(private readonly prisma: PrismaService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Whether the first owner has yet to be created', operationId: 'getSetupStatus' })
  @ApiOkResponse({ type: SetupStatusDto, example: { needed: true } })
  async status(): Promise<SetupStatusDto> {
    return { needed: (await this.prisma.user.count({ take: 1 })) === 0 };
  }
}
