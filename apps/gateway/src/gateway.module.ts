import { Module } from '@nestjs/common';
import { GatewayHttpServer } from './gateway-http.server';

/** Live build logs over Socket.IO. Infrastructure comes from CoreModule. */
@Module({ providers: [GatewayHttpServer] })
export class GatewayModule {}
