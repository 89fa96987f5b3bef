// Two projects: `unit` (next to the code, no services) and `integration` (test/, against
// real Postgres, PGlite, and the services scripts/test.sh starts).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The SDK is a workspace package of its own; the rest are libs.
  moduleNameMapper: { '^@deploysphere/sdk$': '<rootDir>/packages/sdk/src', '^@deploysphere/dashboard/(.*)$': '<rootDir>/apps/dashboard/$1', '^@deploysphere/(.*)$': '<rootDir>/libs/$1/src' },
};

module.exports = {
  // Integration tests run against real services on a 2-core machine; jest ignores a
  // per-project testTimeout, so it is set here for every test.
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,packages}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.spec.ts'] },
  ],
};
