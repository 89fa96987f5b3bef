import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ProblemDetailsDto } from '../../../http/problem-details';
import { VerificationRecordDto } from '../../domain.response.dto';

/** The 409 of a failed verification: what was expected beside what DNS holds, so a typo is visible. */
export class VerificationFailedProblemDto extends ProblemDetailsDto {
  @ApiProperty({ example: 'DOMAIN_VERIFICATION_FAILED' }) declare code: string;
  @ApiProperty({ type: VerificationRecordDto, description: 'The record to create' }) expected!: VerificationRecordDto;
  @ApiProperty({ type: [String], description: 'The TXT values found at that name (at most 20, each cut at 512 characters)' }) found!: string[];
  @ApiPropertyOptional({ enum: ['TIMEOUT', 'SERVER_FAILURE', 'REFUSED', 'ERROR'], description: 'Set when DNS gave no answer; retry later' })
  lookupError?: string;
}
