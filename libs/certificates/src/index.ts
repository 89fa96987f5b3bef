// Public surface of @deploysphere/certificates: custom-domain certificates, ACME challenges and account.
export * from './certificate.repository.port';
export * from './certificate-repository.module';
