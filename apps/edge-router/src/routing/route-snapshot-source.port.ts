import type { RouteSnapshot } from './route.types';

/** Where the route table is loaded from at start; events keep it current afterwards. */
export interface RouteSnapshotSource {
  load(): Promise<RouteSnapshot>;
}

export const ROUTE_SNAPSHOT_SOURCE = Symbol('ROUTE_SNAPSHOT_SOURCE');
