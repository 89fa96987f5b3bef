import { ConflictError } from '@deploysphere/common';
import type { DeploymentStatusName } from '@deploysphere/contracts';

/** Only a READY deployment can be what a project's production alias serves. */
export function assertCanGoLive(status: DeploymentStatusName): void {
  if (status !== 'READY') {
    throw new ConflictError('DEPLOYMENT_NOT_READY', `Only a READY deployment can go live; this one is ${status}`, { currentStatus: status });
  }
}
