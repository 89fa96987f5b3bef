import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: number[];
  color: string;
}

/** A time series chart (uPlot: ~50 KB, canvas). `times` in seconds since the epoch. */
export function TimeChart({ title, times, series, format }: { title: string; times: number[]; series: Series[]; format?: (v: number) => string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const chart = new uPlot(
      {
        width: Math.max(300, el.clientWidth),
        height: 220,
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, fill: `${s.color}22`, width: 2, value: (_u: uPlot, v: number | null) => (v === null ? '—' : format ? format(v) : String(v)) }))],
        axes: [{}, { values: (_u: uPlot, ticks: number[]) => ticks.map((v) => (format ? format(v) : String(v))), size: 70 }],
      },
      [times, ...series.map((s) => s.values)],
      el,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(300, el.clientWidth), height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [times, series, format]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={host} role="img" aria-label={`${title}: chart of ${series.map((s) => s.label).join(', ')}`} />
    </figure>
  );
}
