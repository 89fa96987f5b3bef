import { createSocket, type Socket } from 'node:dgram';

/**
 * A name server on 127.0.0.1 that answers TXT questions from a table, so custom-domain
 * verification is tested over the real wire format without any real DNS (DNS_RESOLVERS or the
 * resolver's servers point at this server only).
 */
export class LoopbackNameServer {
  readonly questions: string[] = [];
  /** name → TXT records (each a list of character-strings); `'SERVFAIL'`, or `'SILENT'` to never answer. */
  readonly zone = new Map<string, string[][] | 'SERVFAIL' | 'SILENT'>();
  private socket!: Socket;
  port = 0;

  async start(): Promise<void> {
    this.socket = createSocket('udp4');
    this.socket.on('message', (query, peer) => {
      const reply = this.answer(query);
      if (reply) this.socket.send(reply, peer.port, peer.address);
    });
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', r));
    this.port = this.socket.address().port;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }

  private answer(query: Buffer): Buffer | undefined {
    let offset = 12;
    const labels: string[] = [];
    while (query[offset] !== 0) {
      labels.push(query.subarray(offset + 1, offset + 1 + query[offset]).toString('latin1'));
      offset += 1 + query[offset];
    }
    const question = query.subarray(12, offset + 5); // name, its terminator, type and class
    const name = labels.join('.').toLowerCase();
    this.questions.push(name);
    const entry = this.zone.get(name);
    if (entry === 'SILENT') return undefined;
    const rcode = entry === 'SERVFAIL' ? 2 : entry === undefined ? 3 : 0;
    const records = Array.isArray(entry) ? entry : [];
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // id
    header.writeUInt16BE(0x8180 | rcode, 2); // response, recursion desired and available
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(records.length, 6);
    const answers = records.map((strings) => {
      const rdata = Buffer.concat(strings.map((s) => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)])));
      const fixed = Buffer.alloc(12);
      fixed.writeUInt16BE(0xc00c, 0); // pointer to the question's name
      fixed.writeUInt16BE(16, 2); // TXT
      fixed.writeUInt16BE(1, 4); // IN
      fixed.writeUInt32BE(60, 6);
      fixed.writeUInt16BE(rdata.length, 10);
      return Buffer.concat([fixed, rdata]);
    });
    return Buffer.concat([header, question, ...answers]);
  }
}
