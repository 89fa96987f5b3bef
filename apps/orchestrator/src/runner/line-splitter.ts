import { MAX_LOG_MESSAGE_LENGTH } from '@deploysphere/contracts';
import { StringDecoder } from 'node:string_decoder';

/**
 * Turns a byte stream into lines: UTF-8 decoded across chunk boundaries, `\n` or `\r\n` ends a
 * line, a trailing part without newline is emitted by `end()`. A line longer than the contract's
 * MAX_LOG_MESSAGE_LENGTH is emitted in pieces (the log pipeline refuses longer messages), each
 * but the last flagged `continues`, so the build log writer can mask a secret across the cuts.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(
    private readonly emit: (line: string, continues: boolean) => void,
    private readonly maxLength = MAX_LOG_MESSAGE_LENGTH,
  ) {}

  push(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) !== -1) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      this.out(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    while (this.pending.length > this.maxLength) {
      this.emit(this.pending.slice(0, this.maxLength), true);
      this.pending = this.pending.slice(this.maxLength);
    }
  }

  end(): void {
    this.pending += this.decoder.end();
    if (this.pending.length > 0) this.out(this.pending);
    this.pending = '';
  }

  private out(line: string): void {
    for (let i = 0; i < line.length || i === 0; i += this.maxLength) this.emit(line.slice(i, i + this.maxLength), i + this.maxLength < line.length);
  }
}
