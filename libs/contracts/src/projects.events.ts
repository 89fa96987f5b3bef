import { IsISO8601, Matches } from 'class-validator';
import { Topics } from './topics';

/** A project and everything under it was deleted; routers drop its hosts, runners stop its builds. */
export class ProjectDeletedV1 {
  static readonly topic = Topics.ProjectDeleted;
  static readonly type = 'ProjectDeleted.v1';

  @Matches(/^[a-z]{2,5}_[0-9a-z]{26}$/) projectId!: string;
  @Matches(/^(?!-)[a-z0-9-]{1,63}$/) slug!: string;
  @IsISO8601() deletedAt!: string;
}
