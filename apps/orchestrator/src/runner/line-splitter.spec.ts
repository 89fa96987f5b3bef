import { LineSplitter } from './line-splitter';

describe('LineSplitter', () => {
  const split = (chunks: Array<string | Buffer>, max?: number) => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), max);
    chunks.forEach((c) => s.push(c));
    s.end();
    return lines;
  };

  it('splits on \\n and \\r\\n, keeping empty lines, and emits a last line without newline at the end', () => {
    expect(split(['a\nb\r\n\nc'])).toEqual(['a', 'b', '', 'c']);
  });

  it('joins lines split across chunks, including a UTF-8 character cut in two', () => {
    const bytes = Buffer.from('héllo wörld\n');
    expect(split([bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)])).toEqual(['héllo wörld']);
  });

  it('cuts lines longer than the limit into several lines, each but the last flagged as continuing', () => {
    expect(split(['abcdefghij\n'], 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(split(['abcdefghij', 'kl'], 4)).toEqual(['abcd', 'efgh', 'ijkl']);
    const pieces: Array<[string, boolean]> = [];
    const s = new LineSplitter((l, continues) => pieces.push([l, continues]), 4);
    ['abcdefghij', 'kl\nabcd\n', 'x'].forEach((c) => s.push(c));
    s.end();
    expect(pieces).toEqual([
      ['abcd', true],
      ['efgh', true],
      ['ijkl', false],
      ['abcd', false],
      ['x', false],
    ]);
  });
});
