import { DomainVerifiedV1 } from '@deploysphere/contracts';
import { IntegrationEventsHandler, type IntegrationEventHandler } from '@deploysphere/messaging';
import { ORCHESTRATOR_CONSUMER } from '../../orchestrator.constants';
import { CertificateIssuer } from '../certificate-issuer';

/** A verified custom domain gets a certificate: tracked now, issued by the next pass (started at once). */
@IntegrationEventsHandler(ORCHESTRATOR_CONSUMER, DomainVerifiedV1)
export class DomainVerifiedHandler implements IntegrationEventHandler<DomainVerifiedV1> {
  constructor(private readonly issuer: CertificateIssuer) {}

  async handle(event: DomainVerifiedV1): Promise<void> {
    await this.issuer.track(event.domainId, event.hostname);
  }
}
