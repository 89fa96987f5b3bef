import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { areaVariables } from './area.validation';
import { AREA_ENVIRONMENTS } from './env.validation';

/** `.env.example` is the operator's reference: it must list every variable the platform validates, and nothing else. */

describe('.env.example', () => {
  const documented = new Set(
    readFileSync(join(__dirname, '../../../.env.example'), 'utf8')
      .split('\n')
      .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined),
  );
  const validated = new Set<string>(AREA_ENVIRONMENTS.flatMap(areaVariables));

  it('documents every validated variable', () => {
    expect([...validated].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('documents no variable the platform does not read', () => {
    expect([...documented].filter((name) => !validated.has(name))).toEqual([]);
  });
});
