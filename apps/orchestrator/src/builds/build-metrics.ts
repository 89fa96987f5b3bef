import { counter, histogram } from '@deploysphere/observability';

/** Build durations run from seconds to the build time limit. */
const BUILD_BUCKETS = [1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1800];

// Created when the orchestrator loads, so a scrape lists them before the first build ends.
const builds = counter('deploysphere_builds_total', 'Builds this orchestrator ran to an end, by outcome (ready, image_stored, failed, canceled, timed_out).', ['outcome']);
const buildDuration = histogram('deploysphere_build_duration_seconds', 'From claim (or recovery) to the build\'s end: source fetch, build, upload.', ['outcome'], BUILD_BUCKETS);

/** One build ended here; `outcome` is the final status in lower case. */
export function recordBuild(outcome: string, startedAt: number): void {
  builds.inc({ outcome });
  buildDuration.observe({ outcome }, (Date.now() - startedAt) / 1000);
}
