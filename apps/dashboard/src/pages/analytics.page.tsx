import { useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { Loading } from '../components/loading';
import { Problem } from '../components/problem';
import { ProjectNav } from '../components/project-nav';
import { TimeChart, type Series } from '../components/time-chart';
import { api, data, type Analytics } from '../lib/api';
import { bytes } from '../lib/format';
import { useLoad } from '../lib/use-load';

const RANGES = {
  '1h': { hours: 1, interval: '1m' },
  '24h': { hours: 24, interval: '1h' },
  '7d': { hours: 168, interval: '6h' },
} as const;
type Range = keyof typeof RANGES;

export default function AnalyticsPage() {
  const { projectId = '' } = useParams();
  const [range, setRange] = useState<Range>('24h');
  const analytics = useLoad(
    () => {
      const to = new Date();
      const from = new Date(to.getTime() - RANGES[range].hours * 3600_000);
      return data(api.GET('/v1/projects/{projectId}/analytics', { params: { path: { projectId }, query: { from: from.toISOString(), to: to.toISOString(), interval: RANGES[range].interval } } }));
    },
    `${projectId}:${range}`,
  );
  return (
    <>
      <h1 tabIndex={-1}>Analytics</h1>
      <ProjectNav projectId={projectId} />
      <div className="actions" role="group" aria-label="Time range">
        {(Object.keys(RANGES) as Range[]).map((r) => (
          <button key={r} type="button" aria-pressed={r === range} onClick={() => setRange(r)}>
            Last {r}
          </button>
        ))}
      </div>
      {analytics.error ? <Problem error={analytics.error} what="The analytics could not be loaded" /> : null}
      {!analytics.data && !analytics.error ? <Loading /> : null}
      {analytics.data ? <Charts analytics={analytics.data} /> : null}
    </>
  );
}

function Charts({ analytics: a }: { analytics: Analytics }) {
  const { times, requests, traffic, classes, top } = useMemo(() => {
    const times = a.buckets.map((b) => new Date(b.start).getTime() / 1000);
    const requests: Series[] = [{ label: 'Requests', values: a.buckets.map((b) => b.requests), color: '#2457c5' }];
    const traffic: Series[] = [{ label: 'Bandwidth', values: a.buckets.map((b) => b.bytes), color: '#1b7f4b' }];
    const palette: Record<string, string> = { '2xx': '#1b7f4b', '3xx': '#2457c5', '4xx': '#a15c00', '5xx': '#b42318' };
    const classes: Series[] = (['2xx', '3xx', '4xx', '5xx'] as const).map((c) => ({ label: c, values: a.buckets.map((b) => b.statusClasses[c]), color: palette[c] }));
    const paths = new Map<string, number>();
    for (const b of a.buckets) for (const p of b.topPaths) paths.set(p.path, (paths.get(p.path) ?? 0) + p.requests);
    const top = [...paths].sort((x, y) => y[1] - x[1]).slice(0, 10);
    return { times, requests, traffic, classes, top };
  }, [a]);
  return (
    <>
      <p>
        {a.totals.requests} requests · {bytes(a.totals.bytes)} · 2xx {a.totals.statusClasses['2xx']} · 4xx {a.totals.statusClasses['4xx']} · 5xx {a.totals.statusClasses['5xx']}
      </p>
      <div className="charts">
        <TimeChart title="Requests" times={times} series={requests} />
        <TimeChart title="Bandwidth" times={times} series={traffic} format={bytes} />
        <TimeChart title="Status classes" times={times} series={classes} />
      </div>
      <h2>Top paths</h2>
      {top.length === 0 ? (
        <p className="muted">No requests in this range.</p>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Path</th>
              <th scope="col">Requests</th>
            </tr>
          </thead>
          <tbody>
            {top.map(([path, n]) => (
              <tr key={path}>
                <td>
                  <code>{path}</code>
                </td>
                <td>{n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
