import { Module } from '@nestjs/common';
import { ReceiveGitPushHandler } from './commands/receive-git-push/receive-git-push.handler';
import { ReceiveGitPushHttpController } from './commands/receive-git-push/receive-git-push.http.controller';
import { SetProjectGitHandler } from './commands/set-project-git/set-project-git.handler';
import { SetProjectGitHttpController } from './commands/set-project-git/set-project-git.http.controller';
import { GetProjectGitHandler } from './queries/get-project-git/get-project-git.handler';
import { GetProjectGitHttpController } from './queries/get-project-git/get-project-git.http.controller';

/** A project's git settings and the push webhook that turns pushes into deployments. */
@Module({
  controllers: [GetProjectGitHttpController, SetProjectGitHttpController, ReceiveGitPushHttpController],
  providers: [GetProjectGitHandler, SetProjectGitHandler, ReceiveGitPushHandler],
})
export class GitModule {}
