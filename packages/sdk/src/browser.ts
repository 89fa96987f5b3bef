// The SDK's entry for browsers (the dashboard): no Node built-ins. The Node entry is index.ts.
export { createBrowserApi, readCookie, type BrowserApiOptions } from './browser-client';
export { DeploySphereConnectionError, DeploySphereError, type ProblemDetails } from './problem.error';
export { followLogs, LiveLogError, type FollowLogsOptions } from './live-logs';
export { TERMINAL_STATUSES, type DeploymentStatus, type DeploymentStatusChange, type LogEnd, type LogLine } from './live-logs.protocol';
export { IGNORE_FILES, NEVER_UPLOADED, selectSourcePaths } from './upload-rules';
export type { components, operations, paths } from './generated/schema';
