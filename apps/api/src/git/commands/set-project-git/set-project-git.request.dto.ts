import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { BRANCH, GIT_URL } from '../../../projects/project-settings.dto';

const USERNAME = /^[^\s:\x00-\x1f]{1,200}$/;
const TOKEN = /^[^\s\x00-\x1f]{1,4096}$/;

export class GitCredentialRequestDto {
  @ApiPropertyOptional({ example: 'x-access-token', default: 'x-access-token', pattern: USERNAME.source, description: 'User name sent with the token (GitLab OAuth tokens want `oauth2`)' })
  @IsOptional() @Matches(USERNAME, { message: 'username must be 1–200 characters without spaces or colons' })
  username?: string;

  @ApiProperty({ writeOnly: true, example: 'ghp_…', pattern: TOKEN.source, description: 'Token (or password) for HTTPS; stored encrypted, never returned, never given to a build' })
  @IsString() @Matches(TOKEN, { message: 'token must be 1–4096 characters without whitespace' })
  token!: string;
}

/** Omitted fields stay as they are; `null` clears a setting. */
export class SetProjectGitRequestDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'https://git.example.com/acme/site.git', pattern: GIT_URL.source })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Matches(GIT_URL, { message: 'repositoryUrl must be an http(s)://, git:// or ssh:// URL, without credentials' })
  repositoryUrl?: string | null;

  @ApiPropertyOptional({ example: 'main', pattern: BRANCH.source, description: 'Pushes to this branch deploy to production' })
  @IsOptional() @Matches(BRANCH, { message: 'productionBranch must be a valid git branch name' })
  productionBranch?: string;

  @ApiPropertyOptional({ type: GitCredentialRequestDto, nullable: true, description: 'HTTPS credential of a private repository; null removes it' })
  @ValidateIf((_, v) => v !== null && v !== undefined) @ValidateNested() @Type(() => GitCredentialRequestDto)
  credential?: GitCredentialRequestDto | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    writeOnly: true,
    minLength: 16,
    maxLength: 256,
    description: 'Secret shared with the git host to sign webhook deliveries (e.g. `openssl rand -hex 32`); null disables the webhook',
  })
  @ValidateIf((_, v) => v !== null && v !== undefined) @IsString() @MinLength(16) @MaxLength(256)
  webhookSecret?: string | null;
}
