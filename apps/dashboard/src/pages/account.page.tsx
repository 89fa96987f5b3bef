import { useState } from 'react';
import { Problem } from '../components/problem';
import { request } from '../lib/api';
import { dateTime } from '../lib/format';
import { useSession } from '../lib/session';
import { useLoad } from '../lib/use-load';

interface Session {
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  userAgent: string | null;
  address: string | null;
}

export default function AccountPage() {
  const { me } = useSession();
  const sessions = useLoad(() => request<{ data: Session[] }>('GET', '/v1/auth/sessions'), 'sessions');
  const [error, setError] = useState<unknown>();
  const revoke = async (id: string) => {
    setError(undefined);
    try {
      await request('DELETE', `/v1/auth/sessions/${id}`);
      await sessions.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <h1 tabIndex={-1}>Account</h1>
      <p>
        {me?.user.name} · {me?.user.email}
      </p>
      <section className="card" aria-labelledby="sessions">
        <h2 id="sessions">Signed-in sessions</h2>
        {sessions.error ? <Problem error={sessions.error} what="The sessions could not be loaded" /> : null}
        {error ? <Problem error={error} what="The session could not be revoked" /> : null}
        {sessions.data ? (
          <table className="list">
            <thead>
              <tr>
                <th scope="col">Browser</th>
                <th scope="col">Address</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last seen</th>
                <th scope="col">Revoke</th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.data.map((s) => (
                <tr key={s.id}>
                  <td>
                    {s.userAgent ?? 'unknown'} {s.current ? <span className="badge badge-ok">this browser</span> : null}
                  </td>
                  <td>{s.address ?? '—'}</td>
                  <td>{dateTime(s.createdAt)}</td>
                  <td>{dateTime(s.lastSeenAt)}</td>
                  <td>
                    {s.current ? null : (
                      <button type="button" onClick={() => void revoke(s.id)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
    </>
  );
}
