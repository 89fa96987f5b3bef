'use strict';
// When the launcher restarts an app that exited by itself (scripts/distributed/start.js): after a
// delay that doubles with each quick crash (1 s, 2 s, 4 s … up to 30 s) and starts over once the
// app had run for a while; several exits within a minute are a crash loop, which the launcher
// reports (it keeps restarting, with the longest delays). Plain CommonJS, no dependencies. Types:
// restart-policy.d.ts.

const DEFAULTS = {
  /** First delay. */
  initialMs: 1_000,
  /** Longest delay. */
  maxMs: 30_000,
  /** An app that ran this long before it exited starts again from the first delay. */
  stableMs: 60_000,
  /** This many exits within `windowMs` is a crash loop. */
  loopExits: 3,
  windowMs: 60_000,
};

class RestartPolicy {
  constructor(options = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.exits = [];
    this.delayMs = 0;
  }

  /**
   * An exit at `now` of a process started at `startedAt`: how long to wait before starting it
   * again, how many times it exited within the window, and whether that is a crash loop.
   */
  exited(startedAt, now = Date.now()) {
    const o = this.options;
    this.exits = this.exits.filter((t) => now - t < o.windowMs);
    this.exits.push(now);
    this.delayMs = now - startedAt >= o.stableMs || this.delayMs === 0 ? o.initialMs : Math.min(o.maxMs, this.delayMs * 2);
    return { delayMs: this.delayMs, recentExits: this.exits.length, crashLoop: this.exits.length >= o.loopExits };
  }
}

module.exports = { RestartPolicy, RESTART_DEFAULTS: DEFAULTS };
