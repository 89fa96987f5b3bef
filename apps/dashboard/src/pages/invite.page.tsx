import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Field } from '../components/form';
import { Loading } from '../components/loading';
import { Problem } from '../components/problem';
import { request } from '../lib/api';
import { useSession } from '../lib/session';

interface Invitation {
  teamName: string;
  email: string;
  role: string;
  expiresAt: string;
  /** An account has the invited email: it joins with its password (or its session). */
  existingUser?: boolean;
}

export function InvitePage() {
  const { token = '' } = useParams();
  const { me, refresh } = useSession();
  const navigate = useNavigate();
  const [invitation, setInvitation] = useState<Invitation>();
  const [loadError, setLoadError] = useState<unknown>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    request<Invitation>('GET', `/v1/auth/invitations/${encodeURIComponent(token)}`).then(setInvitation, setLoadError);
  }, [token]);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const body = invitation?.existingUser ? (me ? {} : { password: form.get('password') }) : { name: form.get('name'), password: form.get('password') };
      await request('POST', `/v1/auth/invitations/${encodeURIComponent(token)}/accept`, body);
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
      <h1 tabIndex={-1}>Join a team</h1>
      {loadError ? <Problem error={loadError} what="This invitation cannot be used" /> : null}
      {!invitation && !loadError ? <Loading /> : null}
      {invitation ? (
        <form onSubmit={submit} className="card stack">
          <p>
            You are invited to <strong>{invitation.teamName}</strong> as <strong>{invitation.role}</strong> ({invitation.email}).
          </p>
          {invitation.existingUser ? (
            me ? null : <Field label="Your password" name="password" type="password" autoComplete="current-password" required hint={`The password of ${invitation.email}`} />
          ) : (
            <>
              <Field label="Your name" name="name" autoComplete="name" required />
              <Field label="Password" name="password" type="password" autoComplete="new-password" minLength={10} required hint="At least 10 characters" />
            </>
          )}
          {error ? <Problem error={error} what="Accepting the invitation failed" /> : null}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Joining…' : invitation.existingUser && me ? 'Join the team' : 'Accept and sign in'}
          </button>
        </form>
      ) : null}
    </main>
  );
}
