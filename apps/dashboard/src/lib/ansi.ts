import Anser from 'anser';

export interface AnsiSegment {
  text: string;
  /** CSS classes (ansi-red-fg, ansi-bold…): the palette is ours, chosen to stay readable on the log's background. */
  className?: string;
}

/** One log line as styled segments (SGR colours and decorations; other escapes dropped). */
export function ansiSegments(line: string): AnsiSegment[] {
  if (!line.includes('\u001b[')) return [{ text: line }];
  return Anser.ansiToJson(line, { json: true, use_classes: true, remove_empty: true }).map((e) => {
    const classes = [e.fg && `${e.fg}-fg`, e.bg && `${e.bg}-bg`, ...e.decorations.map((d) => `ansi-${d}`)].filter(Boolean);
    return classes.length ? { text: e.content, className: classes.join(' ') } : { text: e.content };
  });
}

/** The text without escapes: what search and the download see. */
export function stripAnsi(line: string): string {
  return line.includes('\u001b') ? Anser.ansiToText(line) : line;
}
