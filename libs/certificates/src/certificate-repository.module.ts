import { Global, Module } from '@nestjs/common';
import { CERTIFICATE_REPOSITORY } from './certificate.repository.port';
import { PostgresCertificateRepository } from './postgres/postgres-certificate.repository.adapter';

/** The certificate repository (PostgreSQL, through the process's PrismaService and outbox). */
@Global()
@Module({
  providers: [{ provide: CERTIFICATE_REPOSITORY, useClass: PostgresCertificateRepository }],
  exports: [CERTIFICATE_REPOSITORY],
})
export class CertificateRepositoryModule {}
