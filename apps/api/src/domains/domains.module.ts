import { Module } from '@nestjs/common';
import { CertificateRepositoryModule } from '@deploysphere/certificates';
import { httpConfig, type ConfigType } from '@deploysphere/config';
import { AddDomainHandler } from './commands/add-domain/add-domain.handler';
import { AddDomainHttpController } from './commands/add-domain/add-domain.http.controller';
import { RemoveDomainHandler } from './commands/remove-domain/remove-domain.handler';
import { RemoveDomainHttpController } from './commands/remove-domain/remove-domain.http.controller';
import { VerifyDomainHandler } from './commands/verify-domain/verify-domain.handler';
import { VerifyDomainHttpController } from './commands/verify-domain/verify-domain.http.controller';
import { DNS_RESOLVER } from './dns/dns-resolver.port';
import { DomainRepository } from './domain.repository';
import { NodeDnsResolver } from './dns/node-dns-resolver.adapter';
import { ListDomainsHandler } from './queries/list-domains/list-domains.handler';
import { ListDomainsHttpController } from './queries/list-domains/list-domains.http.controller';

/** A verification lookup waits at most this long; a slow zone is reported and can be retried. */
const DNS_TIMEOUT_MS = 5_000;

/** The resolver verification uses: DNS_RESOLVERS when set, else the system's name servers. */
export function dnsResolverFor(http: Pick<ConfigType<typeof httpConfig>, 'dnsResolvers'>): NodeDnsResolver {
  return new NodeDnsResolver({ timeoutMs: DNS_TIMEOUT_MS, servers: http.dnsResolvers.length > 0 ? http.dnsResolvers : undefined });
}

/** Custom domains: attach, verify by a TXT record, list (with their certificates' state), remove. The edge serves verified ones. */
@Module({
  imports: [CertificateRepositoryModule],
  controllers: [AddDomainHttpController, ListDomainsHttpController, VerifyDomainHttpController, RemoveDomainHttpController],
  providers: [
    AddDomainHandler,
    ListDomainsHandler,
    VerifyDomainHandler,
    RemoveDomainHandler,
    DomainRepository,
    { provide: DNS_RESOLVER, inject: [httpConfig.KEY], useFactory: dnsResolverFor },
  ],
})
export class DomainsModule {}
