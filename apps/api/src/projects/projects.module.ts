import { Module } from '@nestjs/common';
import { SiteUrls } from '../http/site-urls';
import { CreateProjectHandler } from './commands/create-project/create-project.handler';
import { CreateProjectHttpController } from './commands/create-project/create-project.http.controller';
import { DeleteProjectHandler } from './commands/delete-project/delete-project.handler';
import { DeleteProjectHttpController } from './commands/delete-project/delete-project.http.controller';
import { UpdateProjectHandler } from './commands/update-project/update-project.handler';
import { UpdateProjectHttpController } from './commands/update-project/update-project.http.controller';
import { GetProjectHandler } from './queries/get-project/get-project.handler';
import { GetProjectHttpController } from './queries/get-project/get-project.http.controller';
import { ListProjectsHandler } from './queries/list-projects/list-projects.handler';
import { ListProjectsHttpController } from './queries/list-projects/list-projects.http.controller';

@Module({
  controllers: [
    CreateProjectHttpController,
    ListProjectsHttpController,
    GetProjectHttpController,
    UpdateProjectHttpController,
    DeleteProjectHttpController,
  ],
  providers: [SiteUrls, CreateProjectHandler, ListProjectsHandler, GetProjectHandler, UpdateProjectHandler, DeleteProjectHandler],
})
export class ProjectsModule {}
