import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, Max, Min, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

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

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 10, maximum: 86400, description: 'Wall-clock build limit in seconds; null = the platform default. Capped by BUILD_TIMEOUT_MAX_SECONDS' })
  @ValidateIf((_, v) => v !== null && v !== undefined) @IsInt() @Min(10) @Max(86_400)
  buildTimeoutSeconds?: number | null;
}
