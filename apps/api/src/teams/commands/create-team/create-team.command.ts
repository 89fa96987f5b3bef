import { Command } from '@nestjs/cqrs';
import type { TeamDto } from '../../team.response.dto';

export class CreateTeamCommand extends Command<TeamDto> {
  constructor(
    readonly name: string,
    readonly slug: string | undefined,
  ) {
    super();
  }
}
