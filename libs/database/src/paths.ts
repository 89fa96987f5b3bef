import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The repo's `prisma/migrations`, found by walking up from this file so it works from the
 * TypeScript sources (libs/database/src) and from the compiled output (dist/libs/database/src).
 * Deployments must ship the `prisma/migrations` folder next to `dist/`.
 */
export function defaultMigrationsDir(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) {
      throw new Error(`prisma/migrations not found in ${from} or any parent directory`);
    }
  }
}
