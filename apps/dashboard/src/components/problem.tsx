import { describeError } from '../lib/api';

/** A failure as a person reads it: what failed, the problem's code and its detail. */
export function Problem({ error, what }: { error: unknown; what?: string }) {
  const { code, message } = describeError(error);
  return (
    <div className="problem" role="alert">
      <strong>{what ?? 'This could not be loaded'}</strong>
      <p>
        <code className="problem-code">{code}</code> {message}
      </p>
    </div>
  );
}
