import { ApiProperty } from '@nestjs/swagger';
import type { CertificateStatus } from '@deploysphere/certificates';
import type { Domain } from '@deploysphere/database';
import { domainToUnicode } from 'node:url';
import { verificationRecord } from './domain-verification';

export class VerificationRecordDto {
  @ApiProperty({ enum: ['TXT'], example: 'TXT' }) type!: 'TXT';
  @ApiProperty({ example: '_deploysphere.www.example.com', description: 'Where to create the record' }) name!: string;
  @ApiProperty({ example: 'deploysphere-verify=4f0c2a9e8b7d6c5b4a39281706f5e4d3', description: 'The exact value to put in it' }) value!: string;
}

export const CERTIFICATE_STATES = ['NONE', 'PENDING', 'ISSUED', 'RENEWAL_FAILING', 'FAILED'] as const;

export class DomainCertificateDto {
  @ApiProperty({
    enum: CERTIFICATE_STATES,
    example: 'ISSUED',
    description:
      'NONE: not verified yet. PENDING: being obtained from the ACME server. ISSUED: served over HTTPS. RENEWAL_FAILING: still served, but renewing it failed (see failureReason; retried with backoff). FAILED: never obtained (see failureReason; retried with backoff).',
  })
  state!: (typeof CERTIFICATE_STATES)[number];
  @ApiProperty({ type: String, nullable: true, example: '2027-03-08T01:02:03.000Z', description: 'Expiry of the certificate being served' })
  expiresAt!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'urn:ietf:params:acme:error:connection: 192.0.2.10: Fetching http://www.example.com/.well-known/acme-challenge/…: Connection refused',
    description: 'Why the last attempt failed (the ACME server\'s problem or a network error); null after a success',
  })
  failureReason!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2027-01-07T01:02:03.000Z', description: 'Next issuance, retry or renewal' })
  nextAttemptAt!: string | null;

  static from(verified: boolean, status: CertificateStatus | undefined): DomainCertificateDto {
    if (!status) return { state: verified ? 'PENDING' : 'NONE', expiresAt: null, failureReason: null, nextAttemptAt: null };
    return {
      state: status.state,
      expiresAt: status.notAfter?.toISOString() ?? null,
      failureReason: status.lastError,
      nextAttemptAt: status.nextAttemptAt.toISOString(),
    };
  }
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
  @ApiProperty({ type: DomainCertificateDto, description: 'The HTTPS certificate the platform obtains for a verified domain (ACME, HTTP-01)' })
  certificate!: DomainCertificateDto;
  @ApiProperty() createdAt!: string;

  static from(d: Domain, certificate?: CertificateStatus): DomainDto {
    return {
      id: d.id,
      projectId: d.projectId,
      hostname: d.hostname,
      unicodeHostname: domainToUnicode(d.hostname) || d.hostname,
      verified: d.verifiedAt !== null,
      verifiedAt: d.verifiedAt?.toISOString() ?? null,
      verification: verificationRecord(d.hostname, d.verificationToken),
      certificate: DomainCertificateDto.from(d.verifiedAt !== null, certificate),
      createdAt: d.createdAt.toISOString(),
    };
  }
}
