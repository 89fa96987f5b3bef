import { Inject, Injectable } from '@nestjs/common';
import { Batcher, envVarAad, SECRET_BOX, type SecretBox } from '@deploysphere/common';
import { PrismaService, type EnvVar } from '@deploysphere/database';
import { isReservedBuildEnv } from '../runner';

export interface DecryptedBuildEnv {
  /** Variables handed to the build (reserved names left out). */
  env: Record<string, string>;
  /** Values of the secret variables: masked in the build log. */
  secrets: string[];
  /** Project variables not passed because the builder's settings own those names. */
  reserved: string[];
}

export class EnvDecryptionError extends Error {
  readonly code = 'ENV_DECRYPTION_FAILED';
}

/**
 * The project's env vars for a deployment's target, decrypted here and only here: at rest they
 * are AES-GCM ciphertexts bound to (project, key, target), and the plain values go to the runner,
 * which injects them into the build at run time.
 */
@Injectable()
export class BuildEnvironment {
  /** The rows for the builds starting together, in one query. */
  private readonly rows = new Batcher<{ projectId: string; target: 'PREVIEW' | 'PRODUCTION' }, EnvVar[]>(async (wanted) => {
    const rows = await this.prisma.envVar.findMany({ where: { projectId: { in: [...new Set(wanted.map((w) => w.projectId))] } }, orderBy: { key: 'asc' } });
    return wanted.map((w) => rows.filter((r) => r.projectId === w.projectId && r.target === w.target));
  });

  constructor(
    private readonly prisma: PrismaService,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
  ) {}

  async load(projectId: string, target: 'PREVIEW' | 'PRODUCTION'): Promise<DecryptedBuildEnv> {
    const rows = await this.rows.submit({ projectId, target });
    const out: DecryptedBuildEnv = { env: {}, secrets: [], reserved: [] };
    for (const row of rows) {
      let value: string;
      try {
        value = this.box.open(row.value, envVarAad(projectId, row.key, row.target));
      } catch {
        throw new EnvDecryptionError(`The env var ${row.key} (${row.target}) could not be decrypted: was DEPLOYSPHERE_ENCRYPTION_KEY changed?`);
      }
      if (row.secret) out.secrets.push(value);
      if (isReservedBuildEnv(row.key)) out.reserved.push(row.key);
      else out.env[row.key] = value;
    }
    return out;
  }
}
