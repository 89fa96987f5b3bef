import { useState, type FormEvent } from 'react';
import { Field } from '../components/form';
import { Problem } from '../components/problem';
import { request, type Role } from '../lib/api';
import { dateTime } from '../lib/format';
import { useCan, useSession } from '../lib/session';
import { useLoad } from '../lib/use-load';

interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: string;
}
interface Invitation {
  id: string;
  email: string;
  role: Role;
  expiresAt: string;
  url?: string;
}
interface TeamToken {
  id: string;
  name: string;
  /** null for a token made with scopes before roles existed. */
  role: Role | null;
  scopes: string[];
  prefix: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  token?: string;
}

const ROLES: Role[] = ['owner', 'member', 'viewer'];

export default function TeamPage() {
  const { me } = useSession();
  const owner = useCan('owner');
  return (
    <>
      <h1 tabIndex={-1}>Team {me?.team.name}</h1>
      <Members owner={owner} />
      {owner ? <Invitations /> : null}
      {owner ? <Tokens /> : <p className="muted">Only owners manage invitations and API tokens.</p>}
    </>
  );
}

function RoleSelect({ value, onChange, label }: { value: Role; onChange: (r: Role) => void; label: string }) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value as Role)}>
      {ROLES.map((r) => (
        <option key={r}>{r}</option>
      ))}
    </select>
  );
}

function Members({ owner }: { owner: boolean }) {
  const { me } = useSession();
  const members = useLoad(() => request<{ data: Member[] }>('GET', '/v1/team/members'), 'members');
  const [error, setError] = useState<unknown>();
  const act = async (what: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await what();
      await members.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="card" aria-labelledby="members">
      <h2 id="members">Members</h2>
      {members.error ? <Problem error={members.error} what="The members could not be loaded" /> : null}
      {error ? <Problem error={error} what="The change was refused" /> : null}
      {members.data ? (
        <table className="list" data-testid="members">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              {owner ? <th scope="col">Remove</th> : null}
            </tr>
          </thead>
          <tbody>
            {members.data.data.map((m) => (
              <tr key={m.userId}>
                <td>{m.name}</td>
                <td>{m.email}</td>
                <td>
                  {owner ? (
                    <RoleSelect label={`Role of ${m.email}`} value={m.role} onChange={(role) => void act(() => request('PATCH', `/v1/team/members/${m.userId}`, { role }))} />
                  ) : (
                    m.role
                  )}
                </td>
                <td>{dateTime(m.joinedAt)}</td>
                {owner ? (
                  <td>
                    <button type="button" disabled={m.userId === me?.user.id} onClick={() => void act(() => request('DELETE', `/v1/team/members/${m.userId}`))}>
                      Remove {m.email}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function Invitations() {
  const invitations = useLoad(() => request<{ data: Invitation[] }>('GET', '/v1/team/invitations'), 'invitations');
  const [created, setCreated] = useState<Invitation>();
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const f = new FormData(form);
    setError(undefined);
    setCreated(undefined);
    try {
      setCreated(await request<Invitation>('POST', '/v1/team/invitations', { email: f.get('email'), role: f.get('role') }));
      form.reset();
      await invitations.reload();
    } catch (e) {
      setError(e);
    }
  };
  const revoke = async (id: string) => {
    setError(undefined);
    try {
      await request('DELETE', `/v1/team/invitations/${id}`);
      await invitations.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="card" aria-labelledby="invitations">
      <h2 id="invitations">Invitations</h2>
      <form onSubmit={submit} className="grid">
        <Field label="Email" name="email" type="email" required autoComplete="off" />
        <div className="field">
          <label htmlFor="invite-role">Role</label>
          <select id="invite-role" name="role" defaultValue="member">
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </div>
        <button type="submit" className="primary">
          Invite
        </button>
      </form>
      {created?.url ? (
        <div className="secret-once" role="status">
          <p>Send this link to {created.email}; it is shown only now and works once, until {dateTime(created.expiresAt)}:</p>
          <code data-testid="invitation-url">{created.url}</code>
        </div>
      ) : null}
      {error ? <Problem error={error} what="The invitation failed" /> : null}
      {invitations.error ? <Problem error={invitations.error} what="The invitations could not be loaded" /> : null}
      {invitations.data && invitations.data.data.length > 0 ? (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Expires</th>
              <th scope="col">Revoke</th>
            </tr>
          </thead>
          <tbody>
            {invitations.data.data.map((i) => (
              <tr key={i.id}>
                <td>{i.email}</td>
                <td>{i.role}</td>
                <td>{dateTime(i.expiresAt)}</td>
                <td>
                  <button type="button" onClick={() => void revoke(i.id)}>
                    Revoke the invitation of {i.email}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function Tokens() {
  const tokens = useLoad(async () => (await request<{ items: TeamToken[] }>('GET', '/v1/team/tokens?limit=100')).items.filter((t) => !t.revokedAt), 'tokens');
  const [created, setCreated] = useState<TeamToken>();
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const f = new FormData(form);
    const days = Number(f.get('days') || 0);
    setError(undefined);
    setCreated(undefined);
    try {
      setCreated(
        await request<TeamToken>('POST', '/v1/team/tokens', {
          name: f.get('name'),
          role: f.get('role'),
          ...(days > 0 ? { expiresAt: new Date(Date.now() + days * 86400_000).toISOString() } : {}),
        }),
      );
      form.reset();
      await tokens.reload();
    } catch (e) {
      setError(e);
    }
  };
  const revoke = async (id: string) => {
    setError(undefined);
    try {
      await request('DELETE', `/v1/team/tokens/${id}`);
      await tokens.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="card" aria-labelledby="tokens">
      <h2 id="tokens">API tokens</h2>
      <form onSubmit={submit} className="grid">
        <Field label="Name" name="name" required autoComplete="off" />
        <div className="field">
          <label htmlFor="token-role">Role</label>
          <select id="token-role" name="role" defaultValue="member">
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </div>
        <Field label="Expires after (days, empty: never)" name="days" type="number" min={1} />
        <button type="submit" className="primary">
          Create token
        </button>
      </form>
      {created?.token ? (
        <div className="secret-once" role="status">
          <p>Copy the token now: it is not shown again.</p>
          <code data-testid="created-token">{created.token}</code>
        </div>
      ) : null}
      {error ? <Problem error={error} what="The token request failed" /> : null}
      {tokens.error ? <Problem error={tokens.error} what="The tokens could not be loaded" /> : null}
      {tokens.data && tokens.data.length > 0 ? (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">Revoke</th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((t) => (
              <tr key={t.id}>
                <td>
                  {t.name} <code className="muted">{t.prefix}…</code>
                </td>
                <td>{t.role ?? t.scopes.join(', ')}</td>
                <td>{t.lastUsedAt ? dateTime(t.lastUsedAt) : 'never'}</td>
                <td>{t.expiresAt ? dateTime(t.expiresAt) : 'never'}</td>
                <td>
                  <button type="button" onClick={() => void revoke(t.id)}>
                    Revoke {t.name}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
