import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { Field } from '../components/form';
import { Loading } from '../components/loading';
import { Problem } from '../components/problem';
import { request } from '../lib/api';
import { useSession } from '../lib/session';

/** The one-time link printed at first start carries the setup token in its fragment (never sent to a server). */
function tokenFromLink(): string {
  return new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
}

/** First run: no account exists yet; the setup token printed at first start (or the admin token) creates the first owner. */
export function SetupPage() {
  const { refresh } = useSession();
  const navigate = useNavigate();
  const [needed, setNeeded] = useState<boolean | undefined>();
  const [loadError, setLoadError] = useState<unknown>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [linkToken] = useState(tokenFromLink);
  const [useAdmin, setUseAdmin] = useState(false);
  useEffect(() => {
    // The token leaves the address bar (and so the history) once read.
    if (location.hash) history.replaceState(null, '', location.pathname);
    request<{ needed: boolean }>('GET', '/v1/auth/setup').then((s) => setNeeded(s.needed), setLoadError);
  }, []);
  if (loadError) return <main className="narrow" id="main"><h1 tabIndex={-1}>Set up DeploySphere</h1><Problem error={loadError} /></main>;
  if (needed === undefined) return <Loading />;
  if (!needed) return <Navigate to="/sign-in" replace />;
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const token = String(form.get('token') ?? linkToken);
    setBusy(true);
    setError(undefined);
    try {
      await request('POST', '/v1/auth/setup', {
        email: form.get('email'),
        password: form.get('password'),
        name: form.get('name'),
        teamName: form.get('teamName'),
        ...(useAdmin ? {} : { setupToken: token }),
      }, useAdmin ? { Authorization: `Bearer ${token}` } : {});
      await refresh();
      navigate('/', { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="narrow" id="main">
      <h1 tabIndex={-1}>Set up DeploySphere</h1>
      <p>No account exists yet. Create the first owner: the one-time setup token is printed in the platform's log at its first start.</p>
      <form onSubmit={submit} className="card stack">
        {linkToken && !useAdmin ? (
          <p className="muted">The setup token came with the link.</p>
        ) : (
          <Field label={useAdmin ? 'Admin token' : 'Setup token'} name="token" type="password" autoComplete="off" required hint={useAdmin ? 'DEPLOYSPHERE_ADMIN_TOKEN' : 'From the log of the first start'} />
        )}
        <label className="check">
          <input type="checkbox" checked={useAdmin} onChange={(e) => setUseAdmin(e.target.checked)} /> Use the admin token instead
        </label>
        <Field label="Your name" name="name" autoComplete="name" required />
        <Field label="Email" name="email" type="email" autoComplete="username" required />
        <Field label="Password" name="password" type="password" autoComplete="new-password" minLength={10} required hint="At least 10 characters" />
        <Field label="Team name" name="teamName" required />
        {error ? <Problem error={error} what="Setup failed" /> : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create the owner account'}
        </button>
      </form>
    </main>
  );
}
