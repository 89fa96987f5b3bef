#!/usr/bin/env node
// Offline migration tool around the Prisma 6.19.3 CLI (docs/database.md).
//   node tools/prisma-migrate/run.cjs diff    print the SQL that takes prisma/migrations to prisma/schema.prisma
//   node tools/prisma-migrate/run.cjs new NAME  write prisma/migrations/<UTC ts>_NAME/migration.sql with that SQL
//   node tools/prisma-migrate/run.cjs check   exit 0 when that SQL is empty (no drift), 1 and print it otherwise
//   node tools/prisma-migrate/run.cjs prisma migrate status|deploy   (Prisma 6.19.3 commands the Wasm engine supports)
// PRISMA_MIGRATE_SCHEMA / PRISMA_MIGRATE_MIGRATIONS_DIR override the schema file and migrations folder.
// Needs a PostgreSQL server for Prisma's shadow database: PRISMA_MIGRATE_TOOL_URL, else TEST_POSTGRES_URL,
// else scripts/services/postgres.sh's URL (must be a role allowed to CREATE DATABASE).
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const toolDir = __dirname;
const repoRoot = path.resolve(toolDir, '../..');
// Overridable so tests can point the tool at fixtures; defaults are the repo's files.
const migrationsDir = path.resolve(process.env.PRISMA_MIGRATE_MIGRATIONS_DIR ?? path.join(repoRoot, 'prisma/migrations'));
const schemaPath = path.resolve(process.env.PRISMA_MIGRATE_SCHEMA ?? path.join(repoRoot, 'prisma/schema.prisma'));
const EMPTY_MARKER = '-- This is an empty migration.';
// The CLI sometimes keeps running 10-60 s after printing its result (open handles in the Wasm
// engine / pools). Once its output shows it is done (see `doneWhen`) and stdout has then been
// quiet this long, it is killed and the run counts as finished.
const QUIET_MS = Number(process.env.PRISMA_MIGRATE_QUIET_MS ?? 2000);
// Final lines of the commands the Wasm engine supports; others simply run until they exit.
const PRISMA_DONE = /Database schema is up to date!|No pending migrations to apply\.|All migrations have been successfully applied\./;
const HARD_TIMEOUT_MS = Number(process.env.PRISMA_MIGRATE_TIMEOUT_MS ?? 300_000);

function die(msg) {
  console.error(`prisma-migrate: ${msg}`);
  process.exit(1);
}

function migrationFolders() {
  if (!fs.existsSync(migrationsDir)) return [];
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(migrationsDir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort();
}

// Prisma 6 requires `url` in the datasource block; the repo's schema is Prisma 7 style (URL lives in
// prisma.config.ts). Diff a temporary copy with a dummy url: the engine talks through the adapter.
function schemaCopy(tmp) {
  const src = fs.readFileSync(schemaPath, 'utf8');
  const patched = src.replace(/^(datasource\s+\w+\s*\{)/m, '$1\n  url = "postgresql://unused"');
  if (patched === src) die(`no datasource block found in ${schemaPath}`);
  const file = path.join(tmp, 'schema.prisma');
  fs.writeFileSync(file, patched);
  return file;
}

/**
 * Runs the Prisma 6.19.3 CLI with `args` against a temporary copy of the schema. Resolves with
 * its output; rejects when it fails. `--schema` is added unless `schemaFlag` is given instead.
 * `doneWhen` recognises complete output, after which a lingering CLI is killed.
 */
function runPrisma(args, { schemaFlag = '--schema', doneWhen = PRISMA_DONE } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prisma-migrate-'));
  const argv = [
    path.join(toolDir, 'node_modules/prisma/build/index.js'),
    ...args,
    '--config', path.join(toolDir, 'prisma.config.ts'),
    schemaFlag, schemaCopy(tmp),
  ];
  // Placeholders stop the CLI from trying to download native engines it will not use (engine: 'js').
  const placeholder = path.join(toolDir, 'package.json');
  const env = {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
    PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
    PRISMA_MIGRATE_MIGRATIONS_DIR: migrationsDir, // read by prisma.config.ts
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let quietTimer;
    let killedWhenDone = false;
    const hard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`prisma ${args.join(' ')} timed out after ${HARD_TIMEOUT_MS} ms\n${err}`));
    }, HARD_TIMEOUT_MS);
    child.stdout.on('data', (d) => {
      out += d;
      clearTimeout(quietTimer);
      if (!doneWhen.test(out)) return;
      quietTimer = setTimeout(() => {
        killedWhenDone = true;
        child.kill('SIGKILL');
      }, QUIET_MS);
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      clearTimeout(hard);
      clearTimeout(quietTimer);
      fs.rmSync(tmp, { recursive: true, force: true });
      // Killed after its complete output went quiet: it had finished (errors go to stderr).
      if (code === 0 || (killedWhenDone && !/Error/.test(err))) resolve(out);
      else reject(new Error(`prisma ${args.join(' ')} failed (exit ${code})\n${err}${out}`));
    });
  });
}

/** The SQL that takes the migrations folder to the schema (`prisma migrate diff --script`). */
function diff() {
  const from = migrationFolders().length ? ['--from-migrations', migrationsDir] : ['--from-empty'];
  // The script is printed in one piece at the very end (progress goes to stderr).
  return runPrisma(['migrate', 'diff', ...from, '--script'], { schemaFlag: '--to-schema-datamodel', doneWhen: /\S/ });
}

const isEmpty = (sql) => sql.trim() === '' || sql.trim() === EMPTY_MARKER;

async function main() {
  const [cmd, name] = process.argv.slice(2);
  if (cmd === 'diff') {
    process.stdout.write(await diff());
  } else if (cmd === 'check') {
    const sql = await diff();
    if (isEmpty(sql)) {
      console.log('No drift: prisma/migrations produce exactly prisma/schema.prisma.');
    } else {
      console.log('DRIFT: prisma/migrations do not match prisma/schema.prisma. Missing SQL:\n');
      console.log(sql.trim());
      console.log('\nCreate a migration with: scripts/db-migration-new.sh <name>');
      process.exitCode = 1;
    }
  } else if (cmd === 'new') {
    if (!name || !/^[a-z0-9_]+$/.test(name)) die('usage: new <name>  (name: lowercase letters, digits, _)');
    const sql = await diff();
    if (isEmpty(sql)) {
      console.log('prisma/schema.prisma has no changes beyond prisma/migrations: nothing written.');
      return;
    }
    const ts = new Date().toISOString().replace(/\D/g, '').slice(0, 14); // UTC yyyymmddHHMMSS
    const dir = path.join(migrationsDir, `${ts}_${name}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'migration.sql'), sql);
    const lock = path.join(migrationsDir, 'migration_lock.toml');
    if (!fs.existsSync(lock)) {
      fs.writeFileSync(
        lock,
        '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
      );
    }
    console.log(`Wrote ${path.relative(repoRoot, dir)}/migration.sql`);
  } else if (cmd === 'prisma') {
    // A Prisma command against PRISMA_MIGRATE_TOOL_URL, e.g. `migrate status` (not `resolve`: native engine only).
    process.stdout.write(await runPrisma(process.argv.slice(3)));
  } else {
    die('usage: run.cjs diff | check | new <name> | prisma <args...>');
  }
}

main().catch((e) => die(e.message));
