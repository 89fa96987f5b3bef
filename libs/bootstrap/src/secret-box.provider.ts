import { Logger, type Provider } from '@nestjs/common';
import { SECRET_BOX, SecretBox } from '@deploysphere/common';
import { dataConfig, authConfig, type ConfigType } from '@deploysphere/config';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The key that encrypts env var values at rest. Production requires DEPLOYSPHERE_ENCRYPTION_KEY
 * (config validation enforces it); elsewhere a key is generated once into the data directory
 * (mode 0600) so a fresh `npm start` needs no setup and restarts can still decrypt.
 */
export const secretBoxProvider: Provider = {
  provide: SECRET_BOX,
  inject: [authConfig.KEY, dataConfig.KEY],
  useFactory: (security: ConfigType<typeof authConfig>, data: ConfigType<typeof dataConfig>) => {
    if (security.encryptionKey) return new SecretBox(Buffer.from(security.encryptionKey, 'base64'));
    const file = join(data.dataDir, 'encryption.key');
    if (!existsSync(file)) {
      mkdirSync(data.dataDir, { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      new Logger('SecretBox').warn(`generated an encryption key at ${file}; set DEPLOYSPHERE_ENCRYPTION_KEY in production`);
    }
    return new SecretBox(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
  },
};
