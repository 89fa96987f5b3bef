import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { createTar, gzip } from './tar';

/** What the api's own tar reader (tar-stream) sees in an archive. */
async function read(archive: Uint8Array): Promise<{ name: string; mode?: number; body: string }[]> {
  const out: { name: string; mode?: number; body: string }[] = [];
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c) => chunks.push(c as Buffer));
      stream.on('end', () => {
        out.push({ name: header.name, mode: header.mode, body: Buffer.concat(chunks).toString() });
        next();
      });
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  Readable.from([Buffer.from(archive)]).pipe(createGunzip()).pipe(ex);
  await done;
  return out;
}

describe('the dashboard tar writer', () => {
  it('writes a gzipped ustar archive the api reads back, long paths included', async () => {
    const deep = `${'a'.repeat(60)}/${'b'.repeat(60)}/${'c'.repeat(60)}/page.html`;
    const veryLong = `${'d'.repeat(120)}/${'e'.repeat(120)}/${'f'.repeat(120)}.txt`;
    const unicode = 'docs/Ünïcödé ページ.md';
    const entries = [
      { path: 'index.html', data: new TextEncoder().encode('<h1>hi</h1>') },
      { path: deep, data: new TextEncoder().encode('deep') },
      { path: veryLong, data: new TextEncoder().encode('x'.repeat(1000)) },
      { path: unicode, data: new TextEncoder().encode('ü') },
      { path: 'bin/run.sh', data: new TextEncoder().encode('#!/bin/sh\n'), mode: 0o755 },
      { path: 'empty.txt', data: new Uint8Array(0) },
    ];
    const files = await read(await gzip(createTar(entries)));
    expect(files).toEqual([
      { name: 'index.html', mode: 0o644, body: '<h1>hi</h1>' },
      { name: deep, mode: 0o644, body: 'deep' },
      { name: veryLong, mode: 0o644, body: 'x'.repeat(1000) },
      { name: unicode, mode: 0o644, body: 'ü' },
      { name: 'bin/run.sh', mode: 0o755, body: '#!/bin/sh\n' },
      { name: 'empty.txt', mode: 0o644, body: '' },
    ]);
  });
});
