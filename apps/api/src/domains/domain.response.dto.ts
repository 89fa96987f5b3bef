import { ApiProperty } from '@nestjs/swagger';
import type { Domain } from '@deploysphere/database';
import { domainToUnicode } from 'node:url';
import { verificationRecord } from './domain-verification';

export class VerificationRecordDto {
  @ApiProperty({ enum: ['TXT'], example: 'TXT' }) type!: 'TXT';
  @ApiProperty({ example: '_deploysphere.www.example.com', description: 'Where to create the record' }) name!: string;
  @ApiProperty({ example: 'deploysphere-verify=4f0c2a9e8b7d6c5b4a39281706f5e4d3', description: 'The exact value to put in it' }) value!: string;
}

export class DomainDto {
  @ApiProperty({ example: 'dom_01jd8x3k9m2f4q7r8s9t0v1w2x' }) id!: string;
  @ApiProperty() projectId!: string;
  @ApiProperty({ example: 'www.example.com', description: 'Lower-case ASCII; internationalized names in punycode (xn--…)' }) hostname!: string;
  @ApiProperty({ example: 'www.example.com', description: 'The hostname as people read it (Unicode)' }) unicodeHostname!: string;
  @ApiProperty({ description: 'Served by the edge router (as the production URL) only once true' }) verified!: boolean;
  @ApiProperty({ type: String, nullable: true }) verifiedAt!: string | null;
  @ApiProperty({ type: VerificationRecordDto, description: 'The DNS record that proves you control the domain; then call verify' })
  verification!: VerificationRecordDto;
  @ApiProperty() createdAt!: string;

  static from(d: Domain): DomainDto {
    return {
      id: d.id,
      projectId: d.projectId,
      hostname: d.hostname,
      unicodeHostname: domainToUnicode(d.hostname) || d.hostname,
      verified: d.verifiedAt !== null,
      verifiedAt: d.verifiedAt?.toISOString() ?? null,
      verification: verificationRecord(d.hostname, d.verificationToken),
      createdAt: d.createdAt.toISOString(),
    };
  }
}
