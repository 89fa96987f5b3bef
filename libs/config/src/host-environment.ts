/**
 * Host variables passed on to child processes (git, unisolated builds) so they find their
 * tools and proxies. Not configuration: read only here so that every other read of the
 * process environment stays in this lib.
 */
export function inheritedEnvironment(names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}
