export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** A team member's role, strongest first: owner ⊃ member ⊃ viewer (docs/accounts.md). */
export const ROLES = ['owner', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** The role each token scope stands for, so tokens made before roles keep their powers. */
const ROLE_OF_SCOPE: Record<Scope, Role> = { admin: 'owner', write: 'member', read: 'viewer' };
/** The scopes a token of a role carries. */
const SCOPES_OF_ROLE: Record<Role, Scope[]> = { owner: ['admin'], member: ['read', 'write'], viewer: ['read'] };

/**
 * Who is calling: a token or a signed-in user, acting in one team with one role. Every query and
 * command is scoped to `teamId`. `operator` is the installation's admin token (the admin team's
 * `admin` token), the only caller that may create teams or act across them.
 */
export interface Principal {
  teamId: string;
  /** Undefined for a token whose scopes name no role: it may do nothing. */
  role: Role | undefined;
  operator: boolean;
  /** Set when a token authenticated the request. */
  tokenId?: string;
  /** Set when a session cookie authenticated the request. */
  userId?: string;
  sessionId?: string;
}

export function atLeast(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && ROLES.indexOf(role) <= ROLES.indexOf(needed);
}

/** The strongest role among a token's scopes. */
export function roleOfScopes(scopes: readonly string[]): Role | undefined {
  const roles = scopes.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)).map((s) => ROLE_OF_SCOPE[s]);
  return ROLES.find((r) => roles.includes(r));
}

export const scopesOfRole = (role: Role): Scope[] => [...SCOPES_OF_ROLE[role]];

/** `admin` implies everything; `write` implies `read`: the scope's role or a stronger one. */
export function hasScope(principal: Principal, needed: Scope): boolean {
  return atLeast(principal.role, ROLE_OF_SCOPE[needed]);
}
