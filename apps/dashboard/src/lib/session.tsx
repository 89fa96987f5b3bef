import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { Outlet } from 'react-router';
import { actingTeam, isProblem, readCsrf, request, type Me, type Role } from './api';

interface SessionState {
  /** undefined while loading; null when signed out. */
  me: Me | null | undefined;
  /** Why the session could not be read (not a plain 401). */
  error?: unknown;
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
  switchTeam: (teamId: string) => Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

export function SessionProvider() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [error, setError] = useState<unknown>();
  const refresh = useCallback(async () => {
    // Sign-in sets the CSRF cookie with the session one: without it there is no session to ask
    // about (and no 401 to log in the console).
    if (!readCsrf()) {
      setMe(null);
      return;
    }
    try {
      const current = await request<Me>('GET', '/v1/auth/me');
      if (current.team.id !== actingTeam.get()) actingTeam.set(current.team.id);
      setError(undefined);
      setMe(current);
    } catch (e) {
      if (isProblem(e, 401)) setMe(null);
      else {
        setError(e);
        setMe(null);
      }
    }
  }, []);
  const signOut = useCallback(async () => {
    await request('POST', '/v1/auth/sign-out').catch(() => undefined);
    actingTeam.set(undefined);
    setMe(null);
  }, []);
  const switchTeam = useCallback(
    async (teamId: string) => {
      actingTeam.set(teamId);
      await refresh();
    },
    [refresh],
  );
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return (
    <SessionContext.Provider value={{ me, error, refresh, signOut, switchTeam }}>
      <Outlet />
    </SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

const RANK: Record<Role, number> = { viewer: 0, member: 1, owner: 2 };

/** Whether the signed-in role may do what `needed` may (the API enforces it; the page hides what would be refused). */
export function useCan(needed: Role): boolean {
  const { me } = useSession();
  return me ? RANK[me.role] >= RANK[needed] : false;
}
