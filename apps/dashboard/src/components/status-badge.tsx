import type { DeploymentStatus } from '../lib/api';

const TONE: Record<DeploymentStatus, string> = {
  QUEUED: 'pending',
  BUILDING: 'active',
  UPLOADING: 'active',
  STARTING: 'active',
  READY: 'ok',
  FAILED: 'bad',
  CANCELED: 'neutral',
  TIMED_OUT: 'bad',
  CRASHED: 'bad',
};

export function StatusBadge({ status }: { status: DeploymentStatus }) {
  return (
    <span className={`badge badge-${TONE[status]}`} data-status={status}>
      {status}
    </span>
  );
}
