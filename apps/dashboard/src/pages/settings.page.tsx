import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { Field } from '../components/form';
import { Loading } from '../components/loading';
import { Problem } from '../components/problem';
import { ProjectNav } from '../components/project-nav';
import { api, data, type EnvVar, type Project, type Schemas } from '../lib/api';
import { useCan } from '../lib/session';
import { useLoad } from '../lib/use-load';

type Update = Schemas['UpdateProjectRequestDto'];

export default function SettingsPage() {
  const { projectId = '' } = useParams();
  const project = useLoad(() => data(api.GET('/v1/projects/{projectId}', { params: { path: { projectId } } })), projectId);
  if (project.error) {
    return (
      <>
        <h1 tabIndex={-1}>Settings</h1>
        <Problem error={project.error} what="The project could not be loaded" />
      </>
    );
  }
  if (!project.data) return <Loading />;
  return (
    <>
      <h1 tabIndex={-1}>{project.data.name}: settings</h1>
      <ProjectNav projectId={projectId} />
      <BuildSettings project={project.data} onSaved={() => void project.reload()} />
      <EnvVars projectId={projectId} />
      <GitSettings projectId={projectId} />
      <Domains projectId={projectId} />
    </>
  );
}

/** Saved, or why not: one line under a form. */
function Outcome({ saved, error }: { saved?: string; error?: unknown }) {
  if (error) return <Problem error={error} what="Not saved" />;
  return saved ? <p role="status">{saved}</p> : null;
}

const text = (v: FormDataEntryValue | null) => {
  const s = String(v ?? '').trim();
  return s === '' ? null : s;
};
const int = (v: FormDataEntryValue | null) => (text(v) === null ? null : Number(v));

function BuildSettings({ project: p, onSaved }: { project: Project; onSaved: () => void }) {
  const can = useCan('member');
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const f = new FormData(event.currentTarget);
    const body: Update = {
      framework: (text(f.get('framework')) as Update['framework']) ?? null,
      rootDirectory: text(f.get('rootDirectory')),
      installCommand: text(f.get('installCommand')),
      buildCommand: text(f.get('buildCommand')),
      outputDirectory: text(f.get('outputDirectory')),
      buildTimeoutSeconds: int(f.get('buildTimeoutSeconds')),
      cleanUrls: f.get('cleanUrls') === 'on',
      spaFallback: f.get('spaFallback') === 'on',
      custom404: f.get('custom404') === 'on',
      runtime: (text(f.get('runtime')) as Update['runtime']) ?? null,
      port: int(f.get('port')),
      healthCheckPath: text(f.get('healthCheckPath')),
      startCommand: text(f.get('startCommand')),
      replicas: int(f.get('replicas')),
      memoryMb: int(f.get('memoryMb')),
      cpus: text(f.get('cpus')) === null ? null : Number(f.get('cpus')),
      idleTimeoutSeconds: int(f.get('idleTimeoutSeconds')),
    };
    setSaved(undefined);
    setError(undefined);
    try {
      await data(api.PATCH('/v1/projects/{projectId}', { params: { path: { projectId: p.id } }, body }));
      setSaved('Saved: the next deployment uses these settings.');
      onSaved();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="card" aria-labelledby="build-settings">
      <h2 id="build-settings">Build and runtime</h2>
      <form onSubmit={submit}>
        <fieldset disabled={!can} className="grid">
          <div className="field">
            <label htmlFor="framework">Framework</label>
            <select id="framework" name="framework" defaultValue={p.framework ?? ''}>
              <option value="">Detect</option>
              {['static', 'vite', 'nextjs', 'create-react-app', 'astro', 'sveltekit', 'gatsby', 'other'].map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
          </div>
          <Field label="Root directory" name="rootDirectory" defaultValue={p.rootDirectory ?? ''} />
          <Field label="Install command" name="installCommand" defaultValue={p.installCommand ?? ''} />
          <Field label="Build command" name="buildCommand" defaultValue={p.buildCommand ?? ''} />
          <Field label="Output directory" name="outputDirectory" defaultValue={p.outputDirectory ?? ''} />
          <Field label="Build timeout (seconds)" name="buildTimeoutSeconds" type="number" min={10} defaultValue={p.buildTimeoutSeconds ?? ''} />
          <div className="field">
            <label htmlFor="runtime">Runtime</label>
            <select id="runtime" name="runtime" defaultValue={p.runtime ?? ''}>
              <option value="">Detect</option>
              <option value="static">static</option>
              <option value="container">container</option>
            </select>
          </div>
          <Field label="Port (server apps)" name="port" type="number" min={1} max={65535} defaultValue={p.port ?? ''} />
          <Field label="Health check path" name="healthCheckPath" defaultValue={p.healthCheckPath ?? ''} />
          <Field label="Start command" name="startCommand" defaultValue={p.startCommand ?? ''} />
          <Field label="Replicas" name="replicas" type="number" min={1} defaultValue={p.replicas ?? ''} />
          <Field label="Memory per instance (MiB)" name="memoryMb" type="number" min={32} defaultValue={p.memoryMb ?? ''} />
          <Field label="CPUs per instance" name="cpus" type="number" min={0.05} step={0.05} defaultValue={p.cpus ?? ''} />
          <Field label="Idle timeout (seconds)" name="idleTimeoutSeconds" type="number" min={0} defaultValue={p.idleTimeoutSeconds ?? ''} />
          <label className="check">
            <input type="checkbox" name="cleanUrls" defaultChecked={p.cleanUrls} /> Clean URLs
          </label>
          <label className="check">
            <input type="checkbox" name="spaFallback" defaultChecked={p.spaFallback} /> Single-page app fallback
          </label>
          <label className="check">
            <input type="checkbox" name="custom404" defaultChecked={p.custom404} /> Custom 404.html
          </label>
        </fieldset>
        {can ? (
          <button type="submit" className="primary">
            Save settings
          </button>
        ) : null}
      </form>
      <Outcome saved={saved} error={error} />
    </section>
  );
}

function EnvVars({ projectId }: { projectId: string }) {
  const can = useCan('member');
  const vars = useLoad(() => data(api.GET('/v1/projects/{projectId}/env', { params: { path: { projectId } } })), projectId);
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const f = new FormData(form);
    const targets = (['PRODUCTION', 'PREVIEW'] as const).filter((t) => f.get(t) === 'on');
    setSaved(undefined);
    setError(undefined);
    try {
      const key = String(f.get('key'));
      await data(api.POST('/v1/projects/{projectId}/env', { params: { path: { projectId } }, body: { key, value: String(f.get('value')), targets, secret: f.get('secret') === 'on' } }));
      // The value leaves the page with the request: a secret is never shown again.
      form.reset();
      setSaved(`${key} saved`);
      await vars.reload();
    } catch (e) {
      setError(e);
    }
  };
  const remove = async (v: EnvVar) => {
    setError(undefined);
    try {
      await api.DELETE('/v1/projects/{projectId}/env/{key}', { params: { path: { projectId, key: v.key }, query: { target: v.target } } });
      await vars.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="card" aria-labelledby="env-vars">
      <h2 id="env-vars">Environment variables</h2>
      {vars.error ? <Problem error={vars.error} what="The variables could not be loaded" /> : null}
      {vars.data && vars.data.items.length > 0 ? (
        <table className="list" data-testid="env-list">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Target</th>
              <th scope="col">Value</th>
              {can ? <th scope="col">Remove</th> : null}
            </tr>
          </thead>
          <tbody>
            {vars.data.items.map((v) => (
              <tr key={v.id}>
                <td>
                  <code>{v.key}</code>
                </td>
                <td>{v.target.toLowerCase()}</td>
                <td>{v.secret ? <span className="muted">secret (write-only)</span> : <code>{v.value}</code>}</td>
                {can ? (
                  <td>
                    <button type="button" onClick={() => void remove(v)} aria-label={`Remove ${v.key} (${v.target.toLowerCase()})`}>
                      Remove
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : vars.data ? (
        <p className="muted">No variables.</p>
      ) : null}
      {can ? (
        <form onSubmit={submit} className="grid">
          <Field label="Key" name="key" required pattern="[A-Za-z_][A-Za-z0-9_]*" autoComplete="off" />
          <Field label="Value" name="value" required autoComplete="off" />
          <fieldset className="inline">
            <legend>Targets</legend>
            <label className="check">
              <input type="checkbox" name="PRODUCTION" defaultChecked /> production
            </label>
            <label className="check">
              <input type="checkbox" name="PREVIEW" defaultChecked /> preview
            </label>
          </fieldset>
          <label className="check">
            <input type="checkbox" name="secret" /> Secret (encrypted, never shown again)
          </label>
          <button type="submit" className="primary">
            Save variable
          </button>
        </form>
      ) : null}
      <Outcome saved={saved} error={error} />
    </section>
  );
}

function GitSettings({ projectId }: { projectId: string }) {
  const can = useCan('member');
  const git = useLoad(() => data(api.GET('/v1/projects/{projectId}/git', { params: { path: { projectId } } })), projectId);
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const f = new FormData(form);
    const token = text(f.get('credentialToken'));
    const secret = text(f.get('webhookSecret'));
    setSaved(undefined);
    setError(undefined);
    try {
      await data(
        api.PUT('/v1/projects/{projectId}/git', {
          params: { path: { projectId } },
          body: {
            repositoryUrl: text(f.get('repositoryUrl')),
            productionBranch: text(f.get('productionBranch')) ?? undefined,
            ...(token ? { credential: { username: text(f.get('credentialUser')) ?? undefined, token } } : {}),
            ...(secret ? { webhookSecret: secret } : {}),
          },
        }),
      );
      form.reset();
      setSaved('Git settings saved');
      await git.reload();
    } catch (e) {
      setError(e);
    }
  };
  const g = git.data;
  return (
    <section className="card" aria-labelledby="git-settings">
      <h2 id="git-settings">Git</h2>
      {git.error ? <Problem error={git.error} what="The git settings could not be loaded" /> : null}
      {g ? (
        <>
          <p>
            Webhook URL (a push to <code>{g.productionBranch}</code> deploys): <code data-testid="webhook-url">{`${location.origin}${g.webhookPath}`}</code>
          </p>
          <p className="muted">
            Credential: {g.hasCredential ? 'set' : 'none'} · Webhook secret: {g.hasWebhookSecret ? 'set' : 'none'} (both write-only)
          </p>
          <form onSubmit={submit} key={`${g.repositoryUrl}-${g.productionBranch}`}>
            <fieldset disabled={!can} className="grid">
              <Field label="Repository URL" name="repositoryUrl" type="url" defaultValue={g.repositoryUrl ?? ''} />
              <Field label="Production branch" name="productionBranch" defaultValue={g.productionBranch} />
              <Field label="Credential user name" name="credentialUser" autoComplete="off" />
              <Field label="Credential token" name="credentialToken" type="password" autoComplete="off" hint="Leave empty to keep the current one" />
              <Field label="Webhook secret" name="webhookSecret" type="password" autoComplete="off" hint="Leave empty to keep the current one" />
            </fieldset>
            {can ? (
              <button type="submit" className="primary">
                Save git settings
              </button>
            ) : null}
          </form>
        </>
      ) : null}
      <Outcome saved={saved} error={error} />
    </section>
  );
}

function Domains({ projectId }: { projectId: string }) {
  const can = useCan('member');
  const domains = useLoad(() => data(api.GET('/v1/projects/{projectId}/domains', { params: { path: { projectId }, query: { limit: 100 } } })), projectId);
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<unknown>();
  const act = async (what: () => Promise<unknown>, done: string) => {
    setSaved(undefined);
    setError(undefined);
    try {
      await what();
      setSaved(done);
      await domains.reload();
    } catch (e) {
      setError(e);
    }
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const hostname = String(new FormData(form).get('hostname'));
    void act(async () => {
      await data(api.POST('/v1/projects/{projectId}/domains', { params: { path: { projectId } }, body: { hostname } }));
      form.reset();
    }, `${hostname} added: create its TXT record, then verify`);
  };
  return (
    <section className="card" aria-labelledby="domains">
      <h2 id="domains">Custom domains</h2>
      {domains.error ? <Problem error={domains.error} what="The domains could not be loaded" /> : null}
      {domains.data?.items.map((d) => (
        <div key={d.id} className="domain">
          <p>
            <strong>{d.unicodeHostname}</strong> {d.verified ? <span className="badge badge-ok">verified</span> : <span className="badge badge-pending">not verified</span>}
          </p>
          {!d.verified ? (
            <p>
              Create this DNS record: <code>{d.verification.type}</code> <code>{d.verification.name}</code> <code>{d.verification.value}</code>
            </p>
          ) : null}
          {can ? (
            <div className="actions">
              {!d.verified ? (
                <button type="button" onClick={() => void act(() => data(api.POST('/v1/projects/{projectId}/domains/{domainId}/verify', { params: { path: { projectId, domainId: d.id } } })), `${d.hostname} verified`)}>
                  Verify {d.unicodeHostname}
                </button>
              ) : null}
              <button type="button" onClick={() => void act(() => api.DELETE('/v1/projects/{projectId}/domains/{domainId}', { params: { path: { projectId, domainId: d.id } } }), `${d.hostname} removed`)}>
                Remove {d.unicodeHostname}
              </button>
            </div>
          ) : null}
        </div>
      ))}
      {domains.data && domains.data.items.length === 0 ? <p className="muted">No custom domains.</p> : null}
      {can ? (
        <form onSubmit={submit} className="grid">
          <Field label="Domain" name="hostname" required placeholder="www.example.com" />
          <button type="submit" className="primary">
            Add domain
          </button>
        </form>
      ) : null}
      <Outcome saved={saved} error={error} />
    </section>
  );
}
