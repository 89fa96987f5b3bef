import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Field } from '../components/form';
import { Problem } from '../components/problem';
import { request } from '../lib/api';
import { useSession } from '../lib/session';

/** Where to go after signing in: a path of this app only (never another origin). */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  const { me, refresh } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [setupNeeded, setSetupNeeded] = useState(false);
  useEffect(() => {
    request<{ needed: boolean }>('GET', '/v1/auth/setup').then((s) => setSetupNeeded(s.needed), () => undefined);
  }, []);
  if (setupNeeded) return <Navigate to="/setup" replace />;
  if (me) return <Navigate to={safeNext(params.get('next'))} replace />;
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      await request('POST', '/v1/auth/sign-in', { email: form.get('email'), password: form.get('password') });
      await refresh();
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="narrow" id="main">
      <h1 tabIndex={-1}>Sign in to DeploySphere</h1>
      <form onSubmit={submit} className="card stack">
        <Field label="Email" name="email" type="email" autoComplete="username" required autoFocus />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        {error ? <Problem error={error} what="Signing in failed" /> : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
