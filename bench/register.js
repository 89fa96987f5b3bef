// Loads the TypeScript sources directly (no build step): @swc/core transpiles each .ts file
// as it is required, with the same decorator settings as jest and tsc, and `@deploysphere/<lib>`
// resolves to libs/<lib>/src like the tsconfig paths.
'use strict';
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { join, resolve } = require('node:path');
const { transformSync } = require('@swc/core');

const root = resolve(__dirname, '..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request.startsWith('@deploysphere/')) request = join(root, 'libs', request.slice('@deploysphere/'.length), 'src');
  return resolveFilename.call(this, request, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: false,
  });
  module._compile(code, filename);
};

require('reflect-metadata');
