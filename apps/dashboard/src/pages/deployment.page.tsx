import type { DeploymentStatusChange } from '@deploysphere/sdk/browser';
import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Loading } from '../components/loading';
import { LogView } from '../components/log-view';
import { Problem } from '../components/problem';
import { StatusBadge } from '../components/status-badge';
import { api, data, type AppInstance, type Deployment } from '../lib/api';
import { dateTime, duration } from '../lib/format';
import { useCan } from '../lib/session';
import { isActive } from '../lib/statuses';
import { useBuildLog } from '../lib/use-build-log';
import { useLoad } from '../lib/use-load';

export default function DeploymentPage() {
  const { deploymentId = '' } = useParams();
  const deployment = useLoad(() => data(api.GET('/v1/deployments/{deploymentId}', { params: { path: { deploymentId } } })), deploymentId, {
    pollMs: 3000,
    poll: (d) => isActive(d.status),
  });
  const { reload } = deployment;
  // A status event from the gateway: the row (timestamps, failure) is read again at once.
  const onStatus = useCallback((_change: DeploymentStatusChange) => void reload(), [reload]);
  const active = deployment.data ? isActive(deployment.data.status) : true;
  const log = useBuildLog(deploymentId, active, onStatus);
  if (deployment.error) {
    return (
      <>
        <h1 tabIndex={-1}>Deployment</h1>
        <Problem error={deployment.error} what="The deployment could not be loaded" />
      </>
    );
  }
  const d = deployment.data;
  if (!d) return <Loading />;
  return (
    <>
      <p>
        <Link to={`/projects/${d.projectId}`}>← Project</Link>
      </p>
      <h1 tabIndex={-1}>
        Deployment <code>{d.id}</code> <StatusBadge status={d.status} />
      </h1>
      <dl className="facts">
        <dt>Target</dt>
        <dd>{d.target.toLowerCase()}</dd>
        <dt>Source</dt>
        <dd>
          {d.source === 'GIT' ? `git ${d.gitRef ?? ''}${d.commitSha ? ` @ ${d.commitSha.slice(0, 12)}` : ''}` : 'uploaded folder'}
        </dd>
        <dt>URL</dt>
        <dd>{d.url ? <a href={d.url} data-testid="deployment-url">{d.url}</a> : <span className="muted">once it is ready</span>}</dd>
      </dl>
      <Actions deployment={d} onChange={() => void reload()} />
      {d.failureCode ? (
        <div className="problem" role="alert" data-testid="failure">
          <strong>{d.status === 'CANCELED' ? 'Canceled' : 'Failed'}</strong>
          <p>
            <code className="problem-code">{d.failureCode}</code> {d.failureMessage}
          </p>
        </div>
      ) : null}
      <Timeline deployment={d} />
      <section aria-labelledby="build-log">
        <h2 id="build-log">Build log</h2>
        <p className="muted" data-testid="log-mode">
          {log.mode === 'live' ? 'Live' : log.mode === 'polling' ? `Refreshing from the stored log${log.liveError ? ` (live stream unavailable: ${log.liveError})` : ''}` : 'Complete'}
        </p>
        <LogView lines={log.lines} version={log.version} fileName={`${d.id}-build.log`} label="Build log" />
      </section>
      {d.runtime === 'container' ? <Instances deploymentId={d.id} active={d.status !== 'FAILED' && d.status !== 'CANCELED'} /> : null}
    </>
  );
}

function Actions({ deployment: d, onChange }: { deployment: Deployment; onChange: () => void }) {
  const can = useCan('member');
  const [error, setError] = useState<unknown>();
  if (!can) return null;
  const act = async (what: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await what();
      onChange();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div className="actions">
      {isActive(d.status) ? (
        <button type="button" onClick={() => void act(() => data(api.POST('/v1/deployments/{deploymentId}/cancel', { params: { path: { deploymentId: d.id } } })))}>
          Cancel the build
        </button>
      ) : null}
      {d.status === 'READY' ? (
        <button type="button" onClick={() => void act(() => data(api.POST('/v1/deployments/{deploymentId}/promote', { params: { path: { deploymentId: d.id } } })))}>
          Make it the production deployment
        </button>
      ) : null}
      {error ? <Problem error={error} what="The action failed" /> : null}
    </div>
  );
}

function Timeline({ deployment: d }: { deployment: Deployment }) {
  const end = d.readyAt ?? d.finishedAt;
  const steps: { label: string; from: string | null; to: string | null }[] = [
    { label: 'Queued', from: d.createdAt, to: d.buildingAt ?? d.finishedAt },
    { label: 'Building', from: d.buildingAt, to: d.uploadingAt ?? d.finishedAt },
    { label: d.runtime === 'container' ? 'Storing and starting' : 'Uploading', from: d.uploadingAt, to: end },
  ];
  const now = Date.now();
  return (
    <section aria-labelledby="timeline">
      <h2 id="timeline">Timeline</h2>
      <ol className="timeline">
        {steps
          .filter((s) => s.from)
          .map((s) => (
            <li key={s.label}>
              <strong>{s.label}</strong> <span className="muted">{dateTime(s.from!)}</span> —{' '}
              {s.to ? duration(new Date(s.to).getTime() - new Date(s.from!).getTime()) : `${duration(now - new Date(s.from!).getTime())} so far`}
            </li>
          ))}
        {end ? (
          <li>
            <strong>{d.status}</strong> <span className="muted">{dateTime(end)}</span> — {duration(new Date(end).getTime() - new Date(d.createdAt).getTime())} in all
          </li>
        ) : null}
      </ol>
    </section>
  );
}

function Instances({ deploymentId, active }: { deploymentId: string; active: boolean }) {
  const instances = useLoad(
    async () => (await data(api.GET('/v1/deployments/{deploymentId}/instances', { params: { path: { deploymentId } } }))).data as AppInstance[],
    deploymentId,
    { pollMs: 5000, poll: () => active },
  );
  return (
    <section aria-labelledby="instances">
      <h2 id="instances">Instances</h2>
      <p className="muted">Runtime output is not streamed yet; a failed start or a crash loop shows the instances' last lines in the failure message above.</p>
      {instances.error ? <Problem error={instances.error} what="The instances could not be loaded" /> : null}
      {instances.data && instances.data.length === 0 ? <p className="muted">No instance is running.</p> : null}
      {instances.data && instances.data.length > 0 ? (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Instance</th>
              <th scope="col">State</th>
              <th scope="col">Address</th>
              <th scope="col">Restarts</th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          <tbody>
            {instances.data.map((i) => (
              <tr key={i.id}>
                <td>{i.id}</td>
                <td>{i.state}</td>
                <td>{i.address}</td>
                <td>{i.restarts}</td>
                <td>{i.startedAt ? dateTime(i.startedAt) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
