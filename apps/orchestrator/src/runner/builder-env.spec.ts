import { builderEnvironment, isReservedBuildEnv } from './builder-env';

describe('builderEnvironment', () => {
  it("passes the project's variables and its settings under the builder's names", () => {
    expect(
      builderEnvironment({
        env: { API_URL: 'https://x', NODE_ENV: 'production' },
        settings: { rootDirectory: 'web', installCommand: 'npm ci', buildCommand: null, outputDirectory: 'dist', framework: 'vite' },
      }),
    ).toEqual({ API_URL: 'https://x', NODE_ENV: 'production', ROOT_DIRECTORY: 'web', INSTALL_COMMAND: 'npm ci', OUTPUT_DIRECTORY: 'dist', FRAMEWORK: 'vite' });
  });

  it("a project variable cannot set the builder's settings or DEPLOYSPHERE_* variables", () => {
    const env = builderEnvironment({ env: { BUILD_COMMAND: 'rm -rf /', DEPLOYSPHERE_WORKSPACE: '/', OK: '1' }, settings: {} });
    expect(env).toEqual({ OK: '1' });
    expect(isReservedBuildEnv('FRAMEWORK')).toBe(true);
    expect(isReservedBuildEnv('FRAMEWORKS')).toBe(false);
  });

  it('"other" is no framework (detect it)', () => {
    expect(builderEnvironment({ env: {}, settings: { framework: 'other' } })).toEqual({});
  });
});
