import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  reload: () => Promise<void>;
}

/**
 * Loads once per `key` and again on `reload()`; with `pollMs`, again every `pollMs` while
 * `poll(data)` says so (live statuses). A newer load's answer wins over an older one's.
 */
export function useLoad<T>(load: () => Promise<T>, key: string, options: { pollMs?: number; poll?: (data: T) => boolean } = {}): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const value = await loadRef.current();
      if (mine !== generation.current) return;
      setData(value);
      setError(undefined);
    } catch (e) {
      if (mine === generation.current) setError(e);
    }
  }, []);
  useEffect(() => {
    setData(undefined);
    setError(undefined);
    void reload();
  }, [key, reload]);
  const { pollMs, poll } = options;
  const polling = pollMs !== undefined && data !== undefined && (poll ? poll(data) : true);
  useEffect(() => {
    if (!polling) return;
    const timer = setInterval(() => void reload(), pollMs);
    return () => clearInterval(timer);
  }, [polling, pollMs, reload]);
  return { data, error, reload };
}
