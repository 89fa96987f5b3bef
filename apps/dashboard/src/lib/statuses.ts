import type { DeploymentStatus } from './api';

export const ACTIVE_STATUSES: readonly DeploymentStatus[] = ['QUEUED', 'BUILDING', 'UPLOADING', 'STARTING'];

export const isActive = (status: DeploymentStatus) => ACTIVE_STATUSES.includes(status);
