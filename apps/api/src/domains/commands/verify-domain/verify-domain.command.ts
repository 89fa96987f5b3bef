import { Command } from '@nestjs/cqrs';
import type { DomainDto } from '../../domain.response.dto';

/** Check the domain's TXT record; when it holds the token, the edge starts serving the domain. */
export class VerifyDomainCommand extends Command<DomainDto> {
  constructor(
    readonly teamId: string,
    readonly projectId: string,
    readonly domainId: string,
    readonly correlationId: string,
  ) {
    super();
  }
}
