import { useEffect } from 'react';
import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { useSession } from '../lib/session';
import { Loading } from './loading';
import { Problem } from './problem';

export function Layout() {
  const { me, error, signOut, switchTeam } = useSession();
  const location = useLocation();
  useEffect(() => {
    // A new page: its main heading gets the focus, so a screen reader announces it.
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [location.pathname]);
  if (me === undefined) return <Loading />;
  if (me === null) {
    if (error) {
      return (
        <main className="narrow">
          <h1>DeploySphere</h1>
          <Problem error={error} what="Your session could not be read" />
        </main>
      );
    }
    return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <NavLink to="/" className="brand">
          DeploySphere
        </NavLink>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Projects
          </NavLink>
          <NavLink to="/team">Team</NavLink>
          <NavLink to="/account">Account</NavLink>
        </nav>
        <div className="who">
          {me.teams.length > 1 ? (
            <label>
              <span className="sr-only">Team</span>
              <select value={me.team.id} onChange={(e) => void switchTeam(e.target.value)}>
                {me.teams.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <span>{me.team.name}</span>
          )}
          <span className="muted" data-testid="role">
            {me.user.email} · {me.role}
          </span>
          <button type="button" className="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">
        <Outlet />
      </main>
    </>
  );
}
