import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { ansiSegments, stripAnsi } from '../lib/ansi';

export interface ViewLine {
  seq: number;
  stream: 'stdout' | 'stderr' | 'system';
  message: string;
}

const ROW_HEIGHT = 20;

/**
 * A build log: virtualised (only the visible rows are in the DOM, so 50,000 lines scroll
 * smoothly), ANSI colours, following the tail unless the reader scrolled up, searchable
 * (shows the matching lines), downloadable.
 */
export function LogView({ lines, version, fileName, label }: { lines: readonly ViewLine[]; version: number; fileName: string; label: string }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState('');
  const searchId = useId();
  const needle = query.trim().toLowerCase();
  const shown = useMemo(
    () => (needle ? lines.filter((l) => stripAnsi(l.message).toLowerCase().includes(needle)) : lines),
    // `lines` is appended to in place; `version` says when.
    [lines, version, needle],
  );
  const virtualizer = useVirtualizer({ count: shown.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 20 });
  const count = shown.length;
  useEffect(() => {
    if (follow && count > 0) virtualizer.scrollToIndex(count - 1, { align: 'end' });
  }, [follow, count, virtualizer]);
  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT * 2;
    setFollow(atBottom);
  }, []);
  const download = () => {
    const text = lines.map((l) => stripAnsi(l.message)).join('\n') + '\n';
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };
  return (
    <div className="log">
      <div className="log-tools">
        <label htmlFor={searchId}>Search the log</label>
        <input id={searchId} type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="text to find" />
        <span className="muted" aria-live="polite">
          {needle ? `${shown.length} matching of ${lines.length} lines` : `${lines.length} lines`}
        </span>
        {!follow ? (
          <button type="button" onClick={() => setFollow(true)}>
            Follow the tail
          </button>
        ) : null}
        <button type="button" onClick={download} disabled={lines.length === 0}>
          Download
        </button>
      </div>
      <div ref={scroller} className="log-body" onScroll={onScroll} tabIndex={0} role="log" aria-label={label} data-testid="log-body">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((row) => {
            const line = shown[row.index];
            return <LogRow key={line.seq} line={line} top={row.start} />;
          })}
        </div>
      </div>
    </div>
  );
}

const LogRow = memo(function LogRow({ line, top }: { line: ViewLine; top: number }) {
  return (
    <div className={`log-line log-${line.stream}`} style={{ transform: `translateY(${top}px)` }} data-seq={line.seq}>
      <span className="log-seq" aria-hidden="true">
        {line.seq}
      </span>
      {ansiSegments(line.message).map((s, i) => (
        <span key={i} className={s.className}>
          {s.text}
        </span>
      ))}
    </div>
  );
});
