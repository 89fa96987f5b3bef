import { Command } from '@nestjs/cqrs';

/** Ends the session whose secret the cookie holds (if it is still a live one). */
export class SignOutCommand extends Command<void> {
  constructor(readonly sessionSecret: string) {
    super();
  }
}
