import { Module } from '@nestjs/common';
import { DeleteEnvVarHandler } from './commands/delete-env-var/delete-env-var.handler';
import { DeleteEnvVarHttpController } from './commands/delete-env-var/delete-env-var.http.controller';
import { SetEnvVarHandler } from './commands/set-env-var/set-env-var.handler';
import { SetEnvVarHttpController } from './commands/set-env-var/set-env-var.http.controller';
import { ListEnvVarsHandler } from './queries/list-env-vars/list-env-vars.handler';
import { ListEnvVarsHttpController } from './queries/list-env-vars/list-env-vars.http.controller';

@Module({
  controllers: [SetEnvVarHttpController, ListEnvVarsHttpController, DeleteEnvVarHttpController],
  providers: [SetEnvVarHandler, ListEnvVarsHandler, DeleteEnvVarHandler],
})
export class EnvVarsModule {}
