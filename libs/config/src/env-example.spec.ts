import { getMetadataStorage } from 'class-validator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentVariables } from './env.validation';

/** `.env.example` is the operator's reference: it must list every variable the platform validates, and nothing else. */
/** Checked by libs/storage's storageOptionsFromEnv at start-up instead of the class. */
const VALIDATED_BY_STORAGE = ['S3_BUCKET', 'S3_REGION', 'S3_ENDPOINT', 'S3_FORCE_PATH_STYLE', 'S3_PREFIX'];

describe('.env.example', () => {
  const documented = new Set(
    readFileSync(join(__dirname, '../../../.env.example'), 'utf8')
      .split('\n')
      .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined),
  );
  const validated = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
      .map((m) => m.propertyName)
      .concat(VALIDATED_BY_STORAGE),
  );

  it('documents every validated variable', () => {
    expect([...validated].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('documents no variable the platform does not read', () => {
    expect([...documented].filter((name) => !validated.has(name))).toEqual([]);
  });
});
