/**
 * Import rules (checked in CI by scripts/test.sh):
 *  - an app never imports another app; only the all-in-one composition root apps/platform
 *    composes them;
 *  - a lib never imports an app;
 *  - only apps import libs/bootstrap (the composition of a process);
 *  - libs/contracts stays framework-free (it is what other languages' SDKs mirror);
 *  - no circular imports.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-app-to-app',
      comment: 'Apps talk through events and shared stores, not imports. Only apps/platform composes apps.',
      severity: 'error',
      from: { path: '^apps/(?!platform/)([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-lib-to-app',
      comment: 'Libs are shared by every app; reaching into an app inverts the layering.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'only-apps-import-bootstrap',
      comment: 'libs/bootstrap composes a whole process; a lib needing one of its parts gets it from the lib that owns it.',
      severity: 'error',
      from: { path: '^libs/', pathNot: '^libs/bootstrap/' },
      to: { path: '^libs/bootstrap/' },
    },
    {
      name: 'contracts-framework-free',
      comment: 'Contracts are plain classes: no Nest, no Prisma, no transport.',
      severity: 'error',
      from: { path: '^libs/contracts/' },
      to: { path: 'node_modules/(@nestjs|@prisma|kafkajs|ioredis|socket\\.io)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)generated/|(^|/)dist/|\\.spec\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
