import type { INestApplication } from '@nestjs/common';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { IntegrationEventServer } from './integration-event.server';

/**
 * Connects the message transport to the app as a Nest microservice (hybrid application) and
 * starts it: the app's `@EventPattern(topic, { group })` handlers are subscribed. Call it after
 * `app.init()`, so no event reaches a provider before the lifecycle hooks ran; it resolves once
 * every group's position is fixed.
 */
export async function connectIntegrationEvents(app: INestApplication): Promise<void> {
  app.connectMicroservice<MicroserviceOptions>({ strategy: app.get(IntegrationEventServer) });
  await app.startAllMicroservices();
}
