import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { sampledCounter } from '@deploysphere/observability';
import { BlobCache } from '../serving/blob-cache';

const CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/**
 * The edge's request counters. The serving path only adds to plain numbers (an array slot per
 * status class, a byte total); the Prometheus counters read them at scrape time, so a request
 * pays no label lookup (bench/edge measures the cost).
 */
@Injectable()
export class EdgeMetrics implements OnModuleInit, OnModuleDestroy {
  /** Requests by status class: index 1 = 1xx … 5 = 5xx. */
  readonly statuses = [0, 0, 0, 0, 0, 0];
  bytes = 0;
  /** Requests an upstream (a server app's instance) failed to answer. */
  upstreamErrors = 0;
  private readonly removers: Array<() => void> = [];

  constructor(private readonly blobs: BlobCache) {}

  /** One answered request. */
  request(status: number, bytes: number): void {
    const c = (status / 100) | 0;
    if (c >= 1 && c <= 5) this.statuses[c]++;
    this.bytes += bytes;
  }

  onModuleInit(): void {
    this.removers.push(
      sampledCounter('deploysphere_edge_requests_total', 'Requests the edge answered, by status class.', ['status_class']).add((set) => {
        for (let c = 1; c <= 5; c++) set({ status_class: CLASSES[c - 1] }, this.statuses[c]);
      }),
      sampledCounter('deploysphere_edge_response_bytes_total', 'Body bytes the edge sent.').add((set) => set({}, this.bytes)),
      sampledCounter('deploysphere_edge_cache_lookups_total', 'File lookups in the edge\'s blob cache, by result (hit, miss); hit ratio = hit / (hit + miss).', ['result']).add((set) => {
        const { hits, misses } = this.blobs.lookups();
        set({ result: 'hit' }, hits);
        set({ result: 'miss' }, misses);
      }),
      sampledCounter('deploysphere_edge_upstream_errors_total', 'Requests to a server app\'s instance that failed (connection refused, reset, timeout).').add((set) => set({}, this.upstreamErrors)),
    );
  }

  onModuleDestroy(): void {
    for (const remove of this.removers.splice(0)) remove();
  }
}
