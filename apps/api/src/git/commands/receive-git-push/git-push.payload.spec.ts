import { DomainError } from '@deploysphere/common';
import { decidePush } from './git-push.payload';

const SHA = 'a'.repeat(40);
const decide = (payload: unknown) => decidePush(Buffer.from(JSON.stringify(payload)));

describe('decidePush', () => {
  it('deploys the head of a pushed branch', () => {
    expect(decide({ ref: 'refs/heads/feature/x', after: SHA, head_commit: { id: SHA, message: 'Add x' } })).toEqual({
      outcome: 'DEPLOY',
      branch: 'feature/x',
      commitSha: SHA,
      commitMessage: 'Add x',
    });
  });

  it('ignores deletions, tags and other refs', () => {
    expect(decide({ ref: 'refs/heads/gone', deleted: true, after: '0'.repeat(40) })).toEqual({ outcome: 'IGNORED_BRANCH_DELETED' });
    expect(decide({ ref: 'refs/heads/gone', after: '0'.repeat(40) })).toEqual({ outcome: 'IGNORED_BRANCH_DELETED' });
    expect(decide({ ref: 'refs/tags/v1', after: SHA })).toEqual({ outcome: 'IGNORED_TAG' });
    expect(decide({ ref: 'refs/notes/x', after: SHA })).toEqual({ outcome: 'IGNORED_REF' });
  });

  it('refuses malformed payloads with stable codes', () => {
    const code = (raw: Buffer) => {
      try {
        decidePush(raw);
      } catch (error) {
        return (error as DomainError).code;
      }
      return undefined;
    };
    expect(code(Buffer.from('{nope'))).toBe('MALFORMED_JSON');
    expect(code(Buffer.from('{}'))).toBe('WEBHOOK_PAYLOAD_INVALID');
    expect(code(Buffer.from(JSON.stringify({ ref: 'refs/heads/a..b', after: SHA })))).toBe('WEBHOOK_PAYLOAD_INVALID');
    expect(code(Buffer.from(JSON.stringify({ ref: 'refs/heads/main', after: 'nope' })))).toBe('WEBHOOK_PAYLOAD_INVALID');
  });
});
