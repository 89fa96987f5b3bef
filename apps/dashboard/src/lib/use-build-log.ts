import { followLogs, LiveLogError, type DeploymentStatusChange } from '@deploysphere/sdk/browser';
import { useEffect, useRef, useState } from 'react';
import type { ViewLine } from '../components/log-view';
import { actingTeam, api, data } from './api';
import { gatewayUrl } from './gateway';

export interface BuildLog {
  lines: readonly ViewLine[];
  /** Bumped when lines were appended. */
  version: number;
  /** How the lines arrive: live from the gateway, or polled from the API when the gateway cannot be used. */
  mode: 'live' | 'polling' | 'done';
  liveError?: string;
}

const POLL_MS = 1500;
const PAGE = 1000;

/**
 * A deployment's build log: live through the gateway's socket (the session cookie authenticates
 * it), appended once per animation frame so a fast build does not re-render per line; when the
 * socket is refused or unreachable, the stored log is polled instead while the build runs.
 */
export function useBuildLog(deploymentId: string, active: boolean, onStatus: (change: DeploymentStatusChange) => void): BuildLog {
  const lines = useRef<ViewLine[]>([]);
  const [version, setVersion] = useState(0);
  const [mode, setMode] = useState<BuildLog['mode']>('live');
  const [liveError, setLiveError] = useState<string>();
  const statusRef = useRef(onStatus);
  statusRef.current = onStatus;
  const activeRef = useRef(active);
  activeRef.current = active;

  useEffect(() => {
    lines.current = [];
    setVersion((v) => v + 1);
    const abort = new AbortController();
    let frame = 0;
    const flush = () => {
      frame = 0;
      setVersion((v) => v + 1);
    };
    const append = (line: ViewLine) => {
      const all = lines.current;
      if (all.length > 0 && line.seq <= all[all.length - 1].seq) return;
      all.push(line);
      frame ||= requestAnimationFrame(flush);
    };
    const poll = async () => {
      setMode('polling');
      while (!abort.signal.aborted) {
        const last = lines.current.at(-1)?.seq ?? 0;
        try {
          const page = await data(api.GET('/v1/deployments/{deploymentId}/logs', { params: { path: { deploymentId }, query: { fromSeq: last + 1, limit: PAGE } } }));
          for (const line of page.items) append(line);
          if (page.items.length === PAGE) continue;
        } catch {
          // The next round tries again; the page shows the status from its own polling.
        }
        if (!activeRef.current) break;
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      if (!abort.signal.aborted) setMode('done');
    };
    const live = async () => {
      const url = gatewayUrl();
      if (!url) return poll();
      try {
        for await (const line of followLogs(url, undefined, deploymentId, { signal: abort.signal, team: actingTeam.get(), onStatus: (c) => statusRef.current(c) })) append(line);
        if (!abort.signal.aborted) setMode('done');
      } catch (error) {
        if (abort.signal.aborted) return;
        setLiveError(error instanceof LiveLogError ? `${error.code}: ${error.message}` : String(error));
        await poll();
      }
    };
    void live();
    return () => {
      abort.abort();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [deploymentId]);

  return { lines: lines.current, version, mode, liveError };
}
