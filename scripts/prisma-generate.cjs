// `prisma generate` is pure Wasm in Prisma 7, but the CLI still insists on locating the native
// schema engine first, which no reachable registry ships. Point it at a placeholder file so
// generate runs offline (docs/database.md).
const { spawnSync } = require('node:child_process');
const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = __filename;
const r = spawnSync(process.execPath, [require.resolve('prisma/build/index.js'), 'generate'], {
  stdio: 'inherit',
  env,
});
process.exit(r.status ?? 1);
