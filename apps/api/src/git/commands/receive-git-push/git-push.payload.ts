import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DomainError } from '@deploysphere/common';
import { BRANCH } from '../../../projects/project-settings.dto';

/** The fields of GitHub's `push` payload the platform reads (everything else is ignored). */
export class GitPushPayloadDto {
  @ApiProperty({ example: 'refs/heads/main' }) ref!: string;
  @ApiPropertyOptional({ example: '3f9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3', description: 'The pushed head commit' }) after?: string;
  @ApiPropertyOptional({ description: 'true when the push deleted the ref' }) deleted?: boolean;
  @ApiPropertyOptional({ description: '{ id, message } of the head commit' }) head_commit?: { id?: string; message?: string } | null;
}

export type PushDecision =
  | { outcome: 'DEPLOY'; branch: string; commitSha: string; commitMessage: string | null }
  | { outcome: 'IGNORED_BRANCH_DELETED' | 'IGNORED_TAG' | 'IGNORED_REF' };

const SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
const ZERO_SHA = /^0+$/;
const MAX_MESSAGE = 4096;

const invalid = (why: string) => new DomainError('bad_request', 'WEBHOOK_PAYLOAD_INVALID', `The push payload ${why}`);

/** What a verified push asks for: a deployment of a branch head, or nothing. */
export function decidePush(raw: Buffer): PushDecision {
  let payload: Partial<GitPushPayloadDto>;
  try {
    payload = JSON.parse(raw.toString('utf8')) as Partial<GitPushPayloadDto>;
  } catch {
    throw new DomainError('bad_request', 'MALFORMED_JSON', 'The body is not valid JSON');
  }
  if (typeof payload !== 'object' || payload === null || typeof payload.ref !== 'string') throw invalid('has no `ref`');
  const after = typeof payload.after === 'string' ? payload.after : undefined;
  if (payload.deleted === true || (after !== undefined && ZERO_SHA.test(after))) return { outcome: 'IGNORED_BRANCH_DELETED' };
  if (payload.ref.startsWith('refs/tags/')) return { outcome: 'IGNORED_TAG' };
  if (!payload.ref.startsWith('refs/heads/')) return { outcome: 'IGNORED_REF' };
  const branch = payload.ref.slice('refs/heads/'.length);
  if (!BRANCH.test(branch)) throw invalid('names a branch that is not a valid branch name');
  const head = payload.head_commit && typeof payload.head_commit === 'object' ? payload.head_commit : undefined;
  const commitSha = after ?? head?.id;
  if (typeof commitSha !== 'string' || !SHA.test(commitSha)) throw invalid('has no head commit sha (`after`)');
  const message = typeof head?.message === 'string' ? head.message.slice(0, MAX_MESSAGE) : null;
  return { outcome: 'DEPLOY', branch, commitSha, commitMessage: message };
}
