/** Logs are kept whole UTC days: everything before the start of the day `days` days before `now` goes. */
export function cutoffDate(days: number, now: Date): Date {
  const d = new Date(now.getTime() - days * 86_400_000);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

/** The same cutoff as a toYYYYMMDD number (ClickHouse partition id). */
export function cutoffDay(days: number, now: Date): number {
  const d = cutoffDate(days, now);
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}
