import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { FolderDrop, UploadProgressBar } from '../components/folder-upload';
import { Field } from '../components/form';
import { Loading } from '../components/loading';
import { Problem } from '../components/problem';
import { StatusBadge } from '../components/status-badge';
import { api, data, type Deployment, type Project } from '../lib/api';
import { ago } from '../lib/format';
import { useCan } from '../lib/session';
import { packFiles, uploadArchive, type PickedFile, type UploadProgress } from '../lib/source-upload';
import { isActive } from '../lib/statuses';
import { useLoad } from '../lib/use-load';

interface Row {
  project: Project;
  latest?: Deployment;
}

async function loadRows(): Promise<Row[]> {
  const page = await data(api.GET('/v1/projects', { params: { query: { limit: 100 } } }));
  return Promise.all(
    page.items.map(async (project) => {
      const deployments = await data(api.GET('/v1/projects/{projectId}/deployments', { params: { path: { projectId: project.id }, query: { limit: 1 } } }));
      return { project, latest: deployments.items[0] };
    }),
  );
}

export function ProjectsPage() {
  const can = useCan('member');
  const rows = useLoad(loadRows, 'projects', { pollMs: 2000, poll: (r) => r.some((row) => row.latest && isActive(row.latest.status)) });
  return (
    <>
      <h1 tabIndex={-1}>Projects</h1>
      {can ? <NewProject /> : null}
      {rows.error ? <Problem error={rows.error} what="The projects could not be loaded" /> : null}
      {!rows.data && !rows.error ? <Loading /> : null}
      {rows.data && rows.data.length === 0 ? <p className="muted">No projects yet.</p> : null}
      {rows.data && rows.data.length > 0 ? (
        <table className="list" aria-label="Projects">
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">Production</th>
              <th scope="col">Latest deployment</th>
            </tr>
          </thead>
          <tbody>
            {rows.data.map(({ project, latest }) => (
              <tr key={project.id}>
                <td>
                  <Link to={`/projects/${project.id}`}>{project.name}</Link>
                </td>
                <td>{project.url ? <a href={project.url}>{project.url}</a> : <span className="muted">not live yet</span>}</td>
                <td>
                  {latest ? (
                    <>
                      <Link to={`/deployments/${latest.id}`} aria-label={`Latest deployment of ${project.name}: ${latest.status}`}>
                        <StatusBadge status={latest.status} />
                      </Link>{' '}
                      <span className="muted">{ago(latest.createdAt)}</span>
                    </>
                  ) : (
                    <span className="muted">none</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}

function NewProject() {
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<UploadProgress>();
  const [name, setName] = useState('');
  const [note, setNote] = useState<string>();

  const fromGit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const project = await data(api.POST('/v1/projects', { body: { name: String(form.get('name')), gitRepositoryUrl: String(form.get('git')) } }));
      const deployment = await data(api.POST('/v1/projects/{projectId}/deployments', { params: { path: { projectId: project.id } }, body: {} }));
      navigate(`/deployments/${deployment.id}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const fromFolder = async (files: PickedFile[], folder: string, skipped: number) => {
    setError(undefined);
    if (files.length === 0) {
      setNote(`Nothing to upload in ${folder}: every file is ignored.`);
      return;
    }
    setNote(`${files.length} files from ${folder}${skipped ? ` (${skipped} ignored)` : ''}`);
    setBusy(true);
    try {
      const project = await data(api.POST('/v1/projects', { body: { name: name.trim() || folder } }));
      const archive = await packFiles(files, setProgress);
      const deployment = await uploadArchive(project.id, archive, 'PRODUCTION', setProgress);
      navigate(`/deployments/${deployment.id}`);
    } catch (e) {
      setError(e);
      setBusy(false);
      setProgress(undefined);
    }
  };

  return (
    <section className="card" aria-labelledby="new-project">
      <h2 id="new-project">New project</h2>
      <div className="columns">
        <form onSubmit={fromGit} className="stack">
          <h3>From a git repository</h3>
          <Field label="Project name" name="name" required value={name} onChange={(e) => setName(e.target.value)} />
          <Field label="Repository URL" name="git" type="url" placeholder="https://git.example.com/acme/site.git" required />
          <button type="submit" className="primary" disabled={busy}>
            Create and deploy
          </button>
        </form>
        <div className="stack">
          <h3>From a folder</h3>
          <p className="muted">The project is named after the folder unless a name is given.</p>
          <FolderDrop onFiles={(f, folder, skipped) => void fromFolder(f, folder, skipped)} disabled={busy} />
          {note ? <p role="status">{note}</p> : null}
          {progress ? <UploadProgressBar {...progress} /> : null}
        </div>
      </div>
      {error ? <Problem error={error} what="The project could not be created" /> : null}
    </section>
  );
}
