export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling: a token of one team. Every query and command is scoped to `teamId`. */
export interface Principal {
  tokenId: string;
  teamId: string;
  scopes: Scope[];
}

/** `admin` implies everything; `write` implies `read`. */
export function hasScope(principal: Principal, needed: Scope): boolean {
  const s = principal.scopes;
  return s.includes('admin') || s.includes(needed) || (needed === 'read' && s.includes('write'));
}
