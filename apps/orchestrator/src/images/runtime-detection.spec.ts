import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectRuntime, nodeMajorFor, RuntimeDetectionError, type RuntimeSettings } from './runtime-detection';

const none: RuntimeSettings = { runtime: null, rootDirectory: null, outputDirectory: null, framework: null };

describe('runtime detection', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ds-detect-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const pkg = (body: object, sub = '.') => {
    mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, sub, 'package.json'), JSON.stringify(body));
  };

  it('a Dockerfile in the root directory → container built from it', () => {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM deploysphere/runtime-node:24\n');
    expect(detectRuntime(dir, none, '24')).toMatchObject({ runtime: 'container', image: 'dockerfile' });
  });

  it('looks in the root directory only', () => {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM x\n');
    mkdirSync(join(dir, 'web'));
    expect(detectRuntime(dir, { ...none, rootDirectory: 'web' }, '24').runtime).toBe('static');
  });

  it('a package.json start script without a static output → container from the Node runtime image', () => {
    pkg({ scripts: { start: 'node server.js' }, dependencies: { express: '^5.1.0' } });
    expect(detectRuntime(dir, none, '24')).toMatchObject({ runtime: 'container', image: 'node', nodeMajor: '24' });
  });

  it('stays static with an output directory, a framework, or a static framework dependency', () => {
    pkg({ scripts: { start: 'react-scripts start', build: 'react-scripts build' }, dependencies: { 'react-scripts': '5' } });
    expect(detectRuntime(dir, none, '24').runtime).toBe('static');
    pkg({ scripts: { start: 'node server.js' } });
    expect(detectRuntime(dir, { ...none, outputDirectory: 'dist' }, '24').runtime).toBe('static');
    expect(detectRuntime(dir, { ...none, framework: 'vite' }, '24').runtime).toBe('static');
  });

  it('static without a start script or without package.json', () => {
    expect(detectRuntime(dir, none, '24').runtime).toBe('static');
    pkg({ scripts: { build: 'vite build' } });
    expect(detectRuntime(dir, none, '24').runtime).toBe('static');
  });

  it('the project setting wins; container without Dockerfile or package.json is a configuration error', () => {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM x\n');
    expect(detectRuntime(dir, { ...none, runtime: 'static' }, '24').runtime).toBe('static');
    rmSync(join(dir, 'Dockerfile'));
    expect(() => detectRuntime(dir, { ...none, runtime: 'container' }, '24')).toThrow(RuntimeDetectionError);
    pkg({ scripts: { build: 'tsc' } });
    expect(detectRuntime(dir, { ...none, runtime: 'container' }, '24')).toMatchObject({ runtime: 'container', image: 'node' });
  });

  it('a Dockerfile that is a link is not followed (it could point out of the source)', () => {
    writeFileSync(join(dir, 'real'), 'FROM x\n');
    symlinkSync(join(dir, 'real'), join(dir, 'Dockerfile'));
    expect(detectRuntime(dir, none, '24').runtime).toBe('static');
  });

  it('a broken package.json is a configuration error', () => {
    writeFileSync(join(dir, 'package.json'), '{ nope');
    expect(() => detectRuntime(dir, none, '24')).toThrow(RuntimeDetectionError);
  });

  it('engines.node picks the Node major of the runtime image', () => {
    expect(nodeMajorFor(undefined, '24')).toBe('24');
    expect(nodeMajorFor('>=22.12', '24')).toBe('24');
    expect(nodeMajorFor('^22.12.0', '24')).toBe('22');
    expect(nodeMajorFor('22.x', '24')).toBe('22');
    expect(nodeMajorFor('>=20 <23', '24')).toBe('22');
    expect(nodeMajorFor('^20 || ^22 || ^24', '22')).toBe('24');
    expect(nodeMajorFor('18', '24')).toBe('24');
  });
});
