import { DomainError, type ErrorKind } from '@deploysphere/common';

/** Why an archive was refused; each is a stable problem code. */
export type ArchiveProblem =
  | 'ARCHIVE_TOO_LARGE'
  | 'ARCHIVE_UNCOMPRESSED_TOO_LARGE'
  | 'ARCHIVE_COMPRESSION_RATIO_TOO_HIGH'
  | 'ARCHIVE_TOO_MANY_FILES'
  | 'ARCHIVE_ENTRY_TOO_LARGE'
  | 'ARCHIVE_PATH_TOO_LONG'
  | 'ARCHIVE_PATH_TOO_DEEP'
  | 'ARCHIVE_UNSAFE_PATH'
  | 'ARCHIVE_UNSAFE_LINK'
  | 'ARCHIVE_UNSUPPORTED_ENTRY'
  | 'ARCHIVE_DUPLICATE_ENTRY'
  | 'ARCHIVE_CORRUPT'
  | 'ARCHIVE_EMPTY';

const TOO_LARGE = new Set<ArchiveProblem>([
  'ARCHIVE_TOO_LARGE',
  'ARCHIVE_UNCOMPRESSED_TOO_LARGE',
  'ARCHIVE_COMPRESSION_RATIO_TOO_HIGH',
  'ARCHIVE_TOO_MANY_FILES',
  'ARCHIVE_ENTRY_TOO_LARGE',
]);

/**
 * A source archive that breaks a rule: a client error (413 for limits, 400 otherwise), never
 * a 500. `entry` names the offending path, quoted and shortened, when there is one.
 */
export class ArchiveError extends DomainError {
  constructor(
    readonly problem: ArchiveProblem,
    message: string,
    entry?: string,
  ) {
    const kind: ErrorKind = TOO_LARGE.has(problem) ? 'payload_too_large' : 'bad_request';
    super(kind, problem, message, entry === undefined ? undefined : { entry: printableEntry(entry) });
    this.name = 'ArchiveError';
  }
}

/** A path from an archive as bounded text with control characters escaped, for a response or a log line. */
export function printableEntry(path: string): string {
  const escaped = JSON.stringify(path).slice(1, -1);
  return escaped.length > 200 ? `${escaped.slice(0, 197)}...` : escaped;
}

export const quoteEntry = (path: string): string => `"${printableEntry(path)}"`;
