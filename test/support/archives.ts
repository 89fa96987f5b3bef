import { pack, type Header } from 'tar-stream';
import { gzipSync } from 'node:zlib';

export type TarEntry = Partial<Header> & { name: string; content?: string | Buffer };

/** A tar built entry by entry with tar-stream, so a test can write exactly the hostile header it means. */
export async function tarOf(entries: TarEntry[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of archive) chunks.push(chunk as Buffer);
  })();
  for (const { content, ...header } of entries) {
    await new Promise<void>((resolve, reject) => {
      const body = content === undefined ? undefined : Buffer.isBuffer(content) ? content : Buffer.from(content);
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (body) archive.entry({ ...header, size: body.length }, body, cb);
      else archive.entry(header, cb);
    });
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

export async function tarGzOf(entries: TarEntry[]): Promise<Buffer> {
  return gzipSync(await tarOf(entries));
}

/** A small valid site. */
export const SITE: TarEntry[] = [
  { name: './', type: 'directory' },
  { name: './index.html', content: '<h1>hello</h1>' },
  { name: './assets/', type: 'directory' },
  { name: './assets/app.css', content: 'h1{color:red}' },
  { name: './bin/build.sh', content: '#!/bin/sh\necho ok\n', mode: 0o755 },
  { name: './latest', type: 'symlink', linkname: 'index.html' },
  { name: './assets/copy.css', type: 'link', linkname: 'assets/app.css' },
];
