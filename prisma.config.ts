import { defineConfig } from 'prisma/config';

// The CLI is used offline for `generate`/`validate`/`format` only; migrations are applied by
// libs/database's migrator (docs/database.md explains why).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/deploysphere' },
});
