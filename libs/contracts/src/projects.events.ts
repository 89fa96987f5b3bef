import { IsISO8601, Matches } from 'class-validator';
import { Topics } from './topics';
import { ENTITY_ID } from './ids';

/** A project and everything under it was deleted; routers drop its hosts, runners stop its builds. */
export class ProjectDeletedV1 {
  static readonly topic = Topics.ProjectDeleted;
  static readonly type = 'ProjectDeleted.v1';

  @Matches(ENTITY_ID) projectId!: string;
  @Matches(/^(?!-)[a-z0-9-]{1,63}$/) slug!: string;
  @IsISO8601() deletedAt!: string;
}
