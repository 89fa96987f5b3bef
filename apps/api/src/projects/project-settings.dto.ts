import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsNumber, Max, Min, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

export const RUNTIMES = ['static', 'container'] as const;

/** An HTTP path the platform requests on an instance: starts with `/`, no query, no whitespace or control characters. */
export const HEALTH_CHECK_PATH = /^\/[^\s?#\x00-\x1f\x7f]{0,999}$/;

export const FRAMEWORKS = ['static', 'vite', 'nextjs', 'create-react-app', 'astro', 'sveltekit', 'gatsby', 'other'] as const;

/** A relative directory inside the source tree: no absolute path, no `..`, no backslashes. */
const RELATIVE_DIR = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9._\-/]{1,200}$/;
/** http(s), git or ssh; an http(s) URL carries no user-info: a token goes in the project's git credential, never in a URL that is shown and logged. */
export const GIT_URL = /^(?!https?:\/\/[^/\s]*@)(https?:\/\/|git:\/\/|ssh:\/\/)[^\s'"`\x00-\x1f]{3,500}$/;
export const BRANCH = /^(?!-)(?!\/|.*\.\.|.*\/\/|.*@\{|.*\.lock$)[A-Za-z0-9._\-/]{1,255}$/;

/** Build settings shared by create and update; `null` clears a setting on update. */
export class ProjectSettingsDto {
  @ApiPropertyOptional({ type: String, enum: FRAMEWORKS, nullable: true, description: 'Picks default output directory; detected when omitted' })
  @IsOptional() @IsIn(FRAMEWORKS)
  framework?: (typeof FRAMEWORKS)[number] | null;

  @ApiPropertyOptional({ type: String, example: 'web', nullable: true, pattern: RELATIVE_DIR.source, description: 'Directory of the app inside the source' })
  @ValidateIf((_, v) => v !== null && v !== undefined) @Matches(RELATIVE_DIR, { message: 'rootDirectory must be a relative path without ..' })
  rootDirectory?: string | null;

  @ApiPropertyOptional({ type: String, example: 'npm ci', nullable: true, minLength: 1, maxLength: 1000, description: 'Overrides the detected install command' })
  @ValidateIf((_, v) => v !== null && v !== undefined) @IsString() @IsNotEmpty() @MaxLength(1000)
  installCommand?: string | null;

  @ApiPropertyOptional({ type: String, example: 'npm run build', nullable: true, minLength: 1, maxLength: 1000, description: 'Overrides the package.json build script' })
  @ValidateIf((_, v) => v !== null && v !== undefined) @IsString() @IsNotEmpty() @MaxLength(1000)
  buildCommand?: string | null;

  @ApiPropertyOptional({ type: String, example: 'dist', nullable: true, pattern: RELATIVE_DIR.source, description: 'Where the build writes the site; the framework default when omitted' })
  @ValidateIf((_, v) => v !== null && v !== undefined) @Matches(RELATIVE_DIR, { message: 'outputDirectory must be a relative path without ..' })
  outputDirectory?: string | null;

  @ApiPropertyOptional({ type: String, example: 'https://git.example.com/acme/site.git', nullable: true, pattern: GIT_URL.source })
  @ValidateIf((_, v) => v !== null && v !== undefined) @Matches(GIT_URL, { message: 'gitRepositoryUrl must be an http(s)://, git:// or ssh:// URL, without credentials' })
  gitRepositoryUrl?: string | null;

  @ApiPropertyOptional({ example: 'main', pattern: BRANCH.source, description: 'Pushes to this branch deploy to production' })
  @IsOptional() @Matches(BRANCH, { message: 'productionBranch must be a valid git branch name' })
  productionBranch?: string;

  @ApiPropertyOptional({ description: 'Serve `/about` from `about.html`', default: false })
  @IsOptional() @IsBoolean()
  cleanUrls?: boolean;

  @ApiPropertyOptional({ description: 'Serve `/index.html` for unknown paths (single-page apps)', default: false })
  @IsOptional() @IsBoolean()
  spaFallback?: boolean;

  @ApiPropertyOptional({ description: 'Answer unknown paths with the deployment\'s own `404.html`', default: true })
  @IsOptional() @IsBoolean()
  custom404?: boolean;

  @ApiPropertyOptional({
    description: 'HTTPS answers carry `Strict-Transport-Security: max-age=63072000` (browsers then refuse plain HTTP for two years; turn on once HTTPS works for every domain of the project)',
    default: false,
  })
  @IsOptional() @IsBoolean()
  hsts?: boolean;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 10, maximum: 86400, description: 'Wall-clock build limit in seconds; null = the platform default. Capped by BUILD_TIMEOUT_MAX_SECONDS' })
  @ValidateIf((_, v) => v !== null && v !== undefined) @IsInt() @Min(10) @Max(86_400)
  buildTimeoutSeconds?: number | null;

  @ApiPropertyOptional({
    type: String,
    enum: RUNTIMES,
    nullable: true,
    example: 'container',
    description: 'static: the edge serves the build output; container: the platform runs the app. null = detect at build time (a Dockerfile in the root directory, or a package.json `start` script with no output directory set → container; else static)',
  })
  @ValidateIf((_, v) => v !== null && v !== undefined) @IsIn(RUNTIMES, { message: 'runtime must be static or container' })
  runtime?: (typeof RUNTIMES)[number] | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 65535, example: 3000, description: 'Server apps: the port the app listens on (it also gets PORT); null = the platform default (3000)' })
  @ValidateIf((_, v) => v !== null && v !== undefined) @IsInt() @Min(1) @Max(65_535)
  port?: number | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '/healthz', pattern: HEALTH_CHECK_PATH.source, maxLength: 1000, description: 'Server apps: a 2xx or 3xx answer here makes an instance healthy; null = `/`' })
  @ValidateIf((_, v) => v !== null && v !== undefined) @IsString() @Matches(HEALTH_CHECK_PATH, { message: 'healthCheckPath must be a path starting with / (no query, no whitespace)' })
  healthCheckPath?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'node server.js', minLength: 1, maxLength: 1000, description: 'Server apps: replaces the image\'s command (run by /bin/sh -c); null = the image\'s own (the Node runtime: `npm start`)' })
  @ValidateIf((_, v) => v !== null && v !== undefined) @IsString() @IsNotEmpty() @MaxLength(1000)
  startCommand?: string | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 1000, example: 2, description: 'Server apps: instances per deployment; null = 1. At most the platform\'s APP_MAX_REPLICAS (422 APP_LIMIT_EXCEEDED above it)' })
  @ValidateIf((_, v) => v !== null && v !== undefined) @IsInt() @Min(1) @Max(1_000)
  replicas?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 32, maximum: 262144, example: 512, description: 'Server apps: memory per instance in MiB; null = the platform default. At most APP_MAX_MEMORY_MB (422 APP_LIMIT_EXCEEDED above it)' })
  @ValidateIf((_, v) => v !== null && v !== undefined) @IsInt() @Min(32) @Max(262_144)
  memoryMb?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0.05, maximum: 64, example: 0.5, description: 'Server apps: CPUs per instance (fractions allowed); null = the platform default. At most APP_MAX_CPUS (422 APP_LIMIT_EXCEEDED above it)' })
  @ValidateIf((_, v) => v !== null && v !== undefined) @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 3 }) @Min(0.05) @Max(64)
  cpus?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0, maximum: 2592000, example: 900, description: 'Server apps: stop a deployment after this many seconds without a request; the next request starts it again. 0 = never; null = previews after the platform default, production never' })
  @ValidateIf((_, v) => v !== null && v !== undefined) @IsInt() @Min(0) @Max(2_592_000)
  idleTimeoutSeconds?: number | null;
}
