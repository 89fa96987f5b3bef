import { Command } from '@nestjs/cqrs';
import type { Principal } from '@deploysphere/auth';

export class RevokeTokenCommand extends Command<void> {
  constructor(
    readonly caller: Principal,
    readonly tokenId: string,
  ) {
    super();
  }
}
