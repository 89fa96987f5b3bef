export { DeploySphere } from './deploysphere.client';
export type {
  Alias,
  AnalyticsQuery,
  CreateProjectInput,
  Deployment,
  DeploymentTarget,
  DeploySphereOptions,
  Domain,
  EnvVar,
  LogQuery,
  Page,
  Project,
  ProjectAnalytics,
  SetEnvVarInput,
  StoredLogLine,
  Team,
  Token,
  UploadOptions,
} from './deploysphere.client';
export { DeploySphereConnectionError, DeploySphereError, type ProblemDetails } from './problem.error';
export { paginate } from './pagination';
export { listSourceFiles, type SourceFile } from './ignore-rules';
export { IGNORE_FILES, NEVER_SHIPPED, NEVER_UPLOADED, isExcluded, isNeverUploaded, ignoreScope, selectSourcePaths, type IgnoreScope } from './upload-rules';
export { packDirectory, type PackProgress, type SourceArchive } from './source-archive';
export { followLogs, LiveLogError, type FollowLogsOptions } from './live-logs';
export { TERMINAL_STATUSES, type DeploymentStatus, type DeploymentStatusChange, type LogEnd, type LogLine } from './live-logs.protocol';
export type { components, operations, paths } from './generated/schema';
