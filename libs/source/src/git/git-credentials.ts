import type { SecretBox } from '@deploysphere/common';

/** HTTPS credential of a private repository: a token (password) and the user name the host expects with it. */
export interface GitCredential {
  username: string;
  token: string;
}

/** GitHub accepts any user name with a token; this one is what GitHub Apps use. GitLab OAuth tokens want `oauth2`. */
export const DEFAULT_GIT_USERNAME = 'x-access-token';

/** Where the fetcher finds a project's credential (stored sealed; opened only here, on the orchestrator). */
export interface GitCredentialStore {
  credentialFor(projectId: string): Promise<GitCredential | undefined>;
}

export const GIT_CREDENTIALS = Symbol('GIT_CREDENTIALS');

/** Binds the ciphertext to its project, so it cannot be copied onto another one. */
export const gitCredentialAad = (projectId: string): string => `${projectId}\u0000git-credential`;

export function sealGitCredential(box: SecretBox, projectId: string, credential: GitCredential): string {
  return box.seal(JSON.stringify({ username: credential.username, token: credential.token }), gitCredentialAad(projectId));
}

export function openGitCredential(box: SecretBox, projectId: string, sealed: string): GitCredential {
  const value = JSON.parse(box.open(sealed, gitCredentialAad(projectId))) as Partial<GitCredential>;
  if (typeof value.username !== 'string' || typeof value.token !== 'string') throw new Error('stored git credential has an unexpected shape');
  return { username: value.username, token: value.token };
}
