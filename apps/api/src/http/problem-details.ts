import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'name' }) field!: string;
  @ApiProperty({ example: 'isNotEmpty' }) code!: string;
  @ApiProperty({ example: 'name should not be empty' }) message!: string;
}

/** RFC 9457 problem details, with a stable machine-readable `code`. */
export class ProblemDetailsDto {
  @ApiProperty({ example: 'urn:deploysphere:problem:validation-failed' }) type!: string;
  @ApiProperty({ example: 'The request is invalid' }) title!: string;
  @ApiProperty({ example: 422 }) status!: number;
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine-readable error code' }) code!: string;
  @ApiPropertyOptional() detail?: string;
  @ApiPropertyOptional({ description: 'The request path' }) instance?: string;
  @ApiPropertyOptional({ description: 'Correlation id of the request (also in X-Request-Id)' }) requestId?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'One entry per invalid field' }) errors?: FieldErrorDto[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** `ENV_VAR_NOT_FOUND` → `urn:deploysphere:problem:env-var-not-found`: a URN holds no space or underscore. */
export function problemType(code: string): string {
  return `urn:deploysphere:problem:${code.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}
