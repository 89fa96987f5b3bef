import { ConflictError } from '@deploysphere/common';
import type { DeploymentStatusName } from '@deploysphere/contracts';

/** The statuses whose output can be served (and so be what an alias points at). */
export const SERVABLE: DeploymentStatusName[] = ['READY'];

/** Only a READY deployment can be what a project's production alias serves. */
export function assertCanGoLive(status: DeploymentStatusName): void {
  if (!SERVABLE.includes(status)) {
    throw new ConflictError('DEPLOYMENT_NOT_READY', `Only a READY deployment can go live; this one is ${status}`, { currentStatus: status });
  }
}
