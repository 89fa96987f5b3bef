import { checkDockerfile, DockerfileRefusedError, fromRegistryHosts, parseDockerfile, registryHostOf } from './dockerfile-policy';

describe('Dockerfile policy (what the engine would do on the host)', () => {
  it('parses instructions with continuations and comments', () => {
    const ins = parseDockerfile('# c\nFROM a AS b\nRUN one \\\n  # inside\n  two\n\nCMD ["x"]\n');
    expect(ins.map((i) => [i.keyword, i.args, i.line])).toEqual([
      ['FROM', 'a AS b', 2],
      ['RUN', 'one  two', 3],
      ['CMD', '["x"]', 7],
    ]);
  });

  it('accepts the platform runtime image, public images, and the platform registry', () => {
    expect(() => checkDockerfile('FROM deploysphere/runtime-node:24\nCOPY . .\nADD app.tgz /app/\n')).not.toThrow();
    expect(() => checkDockerfile('FROM docker.io/library/node:24\n')).not.toThrow();
    expect(() => checkDockerfile('FROM 127.0.0.1:5050/deploysphere-apps/prj_x@sha256:ab\n', { registryHost: '127.0.0.1:5050' })).not.toThrow();
    expect(() => checkDockerfile('FROM deploysphere/runtime-node:24 AS base\nFROM base\n')).not.toThrow();
  });

  it.each([
    ['FROM 127.0.0.1:6379/x\n'],
    ['FROM localhost:5000/x\n'],
    ['FROM 169.254.169.254/latest\n'],
    ['FROM 10.0.0.5:80/img\n'],
    ['ARG BASE=127.0.0.1:8123/db\nFROM $BASE\n'],
    ['ARG BASE=127.0.0.1:8123/db\nFROM ${BASE}\n'],
    ['FROM deploysphere/runtime-node:24\nADD http://169.254.169.254/latest/meta-data/ /x\n'],
    ['FROM deploysphere/runtime-node:24\nADD --chown=1:1 https://example.com/a.tgz /x\n'],
    ['FROM deploysphere/runtime-node:24\nADD ["http://127.0.0.1:5432/", "/x"]\n'],
    ['FROM deploysphere/runtime-node:24\nADD git@github.com:a/b.git /x\n'],
    ['FROM deploysphere/runtime-node:24\nONBUILD ADD http://127.0.0.1/ /x\n'],
    ['RUN echo no base\n'],
  ])('refuses %j', (text) => {
    expect(() => checkDockerfile(text, { registryHost: '127.0.0.1:5050' })).toThrow(DockerfileRefusedError);
  });

  it('finds the registry host of a reference', () => {
    expect(registryHostOf('node:24')).toBeUndefined();
    expect(registryHostOf('deploysphere/runtime-node:24')).toBeUndefined();
    expect(registryHostOf('127.0.0.1:5050/a/b')).toBe('127.0.0.1:5050');
    expect(registryHostOf('localhost/a')).toBe('localhost');
  });
});

describe('FROM registry hosts (resolved by the image builder)', () => {
  it('lists the registries FROM images name, without build stages, with ARG defaults', () => {
    expect(fromRegistryHosts('ARG R=registry.example.com:5000\nFROM ${R}/a AS base\nFROM base\nFROM node:24\nFROM localhost/x\n')).toEqual(['registry.example.com:5000', 'localhost']);
  });
});
