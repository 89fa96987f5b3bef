import { DeploySphereConnectionError, DeploySphereError, LiveLogError } from '@deploysphere/sdk';

/** The process exit codes, listed in `deploysphere --help`. */
export const ExitCode = {
  Ok: 0,
  /** The API refused the request (its problem `code` is printed) or something unexpected happened. */
  Error: 1,
  /** Bad arguments, a folder that is not linked, a prompt needed without a terminal. */
  Usage: 2,
  /** Not logged in, or the token is invalid, expired or lacks the scope. */
  Auth: 3,
  /** The project, deployment, env var or domain does not exist. */
  NotFound: 4,
  /** The build failed or timed out. */
  BuildFailed: 5,
  /** The build was canceled. */
  BuildCanceled: 6,
  /** The API or the live-log gateway could not be reached. */
  Unreachable: 7,
  /** Interrupted (Ctrl-C) and left running. */
  Interrupted: 130,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    the API refused the request (its title and code are printed) or an unexpected error
  2    usage: bad arguments, folder not linked, a prompt needed without a terminal
  3    not logged in, or the token is invalid, expired or lacks the scope
  4    not found (project, deployment, env var, domain)
  5    the build failed or timed out
  6    the build was canceled
  7    the API or the live-log gateway could not be reached
  130  interrupted (Ctrl-C); the build goes on

Environment:
  DEPLOYSPHERE_API_URL, DEPLOYSPHERE_TOKEN, DEPLOYSPHERE_GATEWAY_URL   used instead of a login
  NO_COLOR                                                             no colours (also when not a terminal)`;

/** An error the CLI reports as it is, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.Error,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof DeploySphereConnectionError) return ExitCode.Unreachable;
  if (error instanceof LiveLogError) return error.code === 'UNAUTHORIZED' || error.code === 'INSUFFICIENT_SCOPE' ? ExitCode.Auth : error.code === 'DEPLOYMENT_NOT_FOUND' ? ExitCode.NotFound : ExitCode.Unreachable;
  if (error instanceof DeploySphereError) {
    if (error.status === 401 || error.status === 403) return ExitCode.Auth;
    if (error.status === 404) return ExitCode.NotFound;
  }
  return ExitCode.Error;
}
