import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { FolderDrop, UploadProgressBar } from '../components/folder-upload';
import { Loading } from '../components/loading';
import { Problem } from '../components/problem';
import { ProjectNav } from '../components/project-nav';
import { StatusBadge } from '../components/status-badge';
import { api, data, type Deployment, type Project } from '../lib/api';
import { ago, dateTime } from '../lib/format';
import { useCan } from '../lib/session';
import { packFiles, uploadArchive, type PickedFile, type UploadProgress } from '../lib/source-upload';
import { isActive } from '../lib/statuses';
import { useLoad } from '../lib/use-load';

interface ProjectView {
  project: Project;
  deployments: Deployment[];
}

export function ProjectPage() {
  const { projectId = '' } = useParams();
  const view = useLoad(
    async (): Promise<ProjectView> => {
      const [project, page] = await Promise.all([
        data(api.GET('/v1/projects/{projectId}', { params: { path: { projectId } } })),
        data(api.GET('/v1/projects/{projectId}/deployments', { params: { path: { projectId }, query: { limit: 50 } } })),
      ]);
      return { project, deployments: page.items };
    },
    projectId,
    { pollMs: 2000, poll: (v) => v.deployments.some((d) => isActive(d.status)) },
  );
  if (view.error) {
    return (
      <>
        <h1 tabIndex={-1}>Project</h1>
        <Problem error={view.error} what="The project could not be loaded" />
      </>
    );
  }
  if (!view.data) return <Loading />;
  const { project, deployments } = view.data;
  return (
    <>
      <h1 tabIndex={-1}>{project.name}</h1>
      <p>
        Production:{' '}
        {project.url ? (
          <a href={project.url} data-testid="production-url">
            {project.url}
          </a>
        ) : (
          <span className="muted">not live yet</span>
        )}
        {project.domainUrls.map((u) => (
          <span key={u}>
            {' · '}
            <a href={u}>{u}</a>
          </span>
        ))}
      </p>
      <ProjectNav projectId={project.id} />
      <Deploy project={project} onDeployed={() => void view.reload()} />
      <DeploymentList project={project} deployments={deployments} onChange={() => void view.reload()} />
    </>
  );
}

function Deploy({ project, onDeployed }: { project: Project; onDeployed: () => void }) {
  const can = useCan('member');
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<UploadProgress>();
  if (!can) return null;
  const redeploy = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const d = await data(api.POST('/v1/projects/{projectId}/deployments', { params: { path: { projectId: project.id } }, body: {} }));
      onDeployed();
      navigate(`/deployments/${d.id}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const upload = async (files: PickedFile[]) => {
    setBusy(true);
    setError(undefined);
    try {
      const archive = await packFiles(files, setProgress);
      const d = await uploadArchive(project.id, archive, 'PRODUCTION', setProgress);
      navigate(`/deployments/${d.id}`);
    } catch (e) {
      setError(e);
      setProgress(undefined);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="deploy">
      <h2 id="deploy">Deploy</h2>
      <div className="columns">
        {project.gitRepositoryUrl ? (
          <div className="stack">
            <p>
              Build <code>{project.productionBranch}</code> of {project.gitRepositoryUrl}
            </p>
            <button type="button" className="primary" onClick={() => void redeploy()} disabled={busy}>
              Redeploy from git
            </button>
          </div>
        ) : null}
        <div className="stack">
          <FolderDrop onFiles={(files) => void upload(files)} disabled={busy} />
          {progress ? <UploadProgressBar {...progress} /> : null}
        </div>
      </div>
      {error ? <Problem error={error} what="The deployment could not be started" /> : null}
    </section>
  );
}

function DeploymentList({ project, deployments, onChange }: { project: Project; deployments: Deployment[]; onChange: () => void }) {
  const can = useCan('member');
  const [error, setError] = useState<unknown>();
  const act = async (what: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await what();
      onChange();
    } catch (e) {
      setError(e);
    }
  };
  if (deployments.length === 0) return <p className="muted">No deployments yet.</p>;
  return (
    <section aria-labelledby="deployments">
      <h2 id="deployments">Deployments</h2>
      {error ? <Problem error={error} what="The action failed" /> : null}
      <table className="list">
        <thead>
          <tr>
            <th scope="col">Deployment</th>
            <th scope="col">Status</th>
            <th scope="col">Target</th>
            <th scope="col">Created</th>
            <th scope="col">Preview</th>
            {can ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {deployments.map((d) => {
            const live = d.id === project.liveDeploymentId;
            return (
              <tr key={d.id} data-deployment={d.id}>
                <td>
                  <Link to={`/deployments/${d.id}`}>{d.id}</Link>
                  {live ? <span className="badge badge-live">live</span> : null}
                  {d.gitRef ? <div className="muted">{d.gitRef}{d.commitSha ? ` @ ${d.commitSha.slice(0, 8)}` : ''}</div> : null}
                </td>
                <td>
                  <StatusBadge status={d.status} />
                </td>
                <td>{d.target.toLowerCase()}</td>
                <td title={dateTime(d.createdAt)}>{ago(d.createdAt)}</td>
                <td>{d.url ? <a href={d.url}>preview</a> : <span className="muted">—</span>}</td>
                {can ? (
                  <td className="actions">
                    {isActive(d.status) ? (
                      <button type="button" onClick={() => void act(() => data(api.POST('/v1/deployments/{deploymentId}/cancel', { params: { path: { deploymentId: d.id } } })))}>
                        Cancel
                      </button>
                    ) : null}
                    {d.status === 'READY' && !live && d.target === 'PREVIEW' ? (
                      <button type="button" onClick={() => void act(() => data(api.POST('/v1/deployments/{deploymentId}/promote', { params: { path: { deploymentId: d.id } } })))}>
                        Promote
                      </button>
                    ) : null}
                    {d.status === 'READY' && !live && d.target === 'PRODUCTION' ? (
                      <button
                        type="button"
                        onClick={() => void act(() => data(api.POST('/v1/projects/{projectId}/rollback', { params: { path: { projectId: project.id } }, body: { deploymentId: d.id } })))}
                      >
                        Roll back to this
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
