import { createReadStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';
import { listSourceFiles, type SourceFile } from './ignore-rules';

export interface PackProgress {
  files: number;
  filesDone: number;
  /** Bytes of file contents read so far, of `totalBytes`. */
  bytesRead: number;
  totalBytes: number;
  /** Compressed bytes handed to the consumer (sent, when the consumer is an upload). */
  bytesOut: number;
}

export interface SourceArchive {
  files: SourceFile[];
  totalBytes: number;
  /** The gzipped tar, produced while it is read: nothing is buffered whole. */
  stream: Readable;
}

/**
 * Packs the deployable files of a folder ({@link listSourceFiles}) as a gzipped tar stream,
 * reporting progress as files are read and compressed bytes leave.
 */
export function packDirectory(root: string, onProgress?: (progress: PackProgress) => void): SourceArchive {
  const files = listSourceFiles(root);
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  const progress: PackProgress = { files: files.length, filesDone: 0, bytesRead: 0, totalBytes, bytesOut: 0 };
  const report = () => onProgress?.({ ...progress });
  const tar = pack();
  const out = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      progress.bytesOut += chunk.length;
      report();
      done(null, chunk);
    },
  });
  void (async () => {
    for (const file of files) {
      const entry = tar.entry({ name: file.path, size: file.size, mode: file.mode, type: 'file' });
      const source = createReadStream(file.absolutePath);
      source.on('data', (chunk) => {
        progress.bytesRead += chunk.length;
        report();
      });
      await pipeline(source, entry);
      progress.filesDone += 1;
      report();
    }
    tar.finalize();
  })().catch((error: unknown) => tar.destroy(error as Error));
  pipeline(tar, createGzip(), out).catch((error: unknown) => out.destroy(error as Error));
  return { files, totalBytes, stream: out };
}
