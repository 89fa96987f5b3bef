import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Transform } from 'class-transformer';
import { PORT, readArea, toInt } from './area.validation';

const PUBLIC_PORT = { message: 'must be an integer port number (1–65535), or empty for EDGE_PORT' };
const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

/** Listening addresses of every app, request body limits and the domain deployments are served under. */
export class HttpEnvironment {
  @IsString()
  BIND_HOST = '0.0.0.0';

  @Transform(toInt) @IsInt(PORT) @Min(0, PORT) @Max(65535, PORT)
  API_PORT = 3000;

  @Transform(toInt) @IsInt(PORT) @Min(0, PORT) @Max(65535, PORT)
  GATEWAY_PORT = 3001;

  @Transform(toInt) @IsInt(PORT) @Min(0, PORT) @Max(65535, PORT)
  EDGE_PORT = 8080;

  @Transform(toInt) @IsInt(PORT) @Min(0, PORT) @Max(65535, PORT)
  ORCHESTRATOR_PORT = 3002;

  @Transform(toInt) @IsInt(PORT) @Min(0, PORT) @Max(65535, PORT)
  LOG_INGEST_PORT = 3003;

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'must be a size such as 512kb or 1mb' }) @MaxLength(10)
  API_JSON_BODY_LIMIT = '1mb';

  /** Largest git webhook body (GitHub caps its payloads at 25 MB); read raw for the signature check. */
  @Matches(/^\d+(b|kb|mb)$/i, { message: 'must be a size such as 512kb or 25mb' }) @MaxLength(10)
  API_WEBHOOK_BODY_LIMIT = '25mb';

  @IsString() @Matches(/^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, {
    message: 'must be a lower-case DNS name such as localhost or apps.example.com',
  })
  ROOT_DOMAIN = 'localhost';

  /**
   * Name servers for custom-domain verification, comma-separated IPv4 (`1.1.1.1`, `10.0.0.2:5353`)
   * or IPv6 (`2606:4700::1111`, `[::1]:5353`) addresses; empty = the system's resolvers.
   */
  @IsString() @Matches(/^$|^\s*(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|\[[0-9a-fA-F:]+\](:\d{1,5})?|[0-9a-fA-F:]*:[0-9a-fA-F:]+)(\s*,\s*(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|\[[0-9a-fA-F:]+\](:\d{1,5})?|[0-9a-fA-F:]*:[0-9a-fA-F:]+))*\s*$/, {
    message: 'must be a comma-separated list of name server addresses such as 1.1.1.1, 10.0.0.2:5353 or [::1]:5353',
  })
  DNS_RESOLVERS = '';

  /** Scheme of the sites' public URLs the api returns: `https` behind a TLS-terminating proxy. */
  @IsIn(['http', 'https'], { message: 'must be http or https' })
  EDGE_PUBLIC_SCHEME: 'http' | 'https' = 'http';

  /** Port of the sites' public URLs; unset = EDGE_PORT (so `npm start`'s URLs work as they are). Left out of URLs when it is the scheme's default. */
  @Transform(toInt) @IsOptional() @IsInt(PUBLIC_PORT) @Min(1, PUBLIC_PORT) @Max(65535, PUBLIC_PORT)
  EDGE_PUBLIC_PORT?: number;
}

/**
 * The `scheme://` and `:port` around a site's host name in the URLs the api returns. The port is
 * EDGE_PUBLIC_PORT, else the edge's own EDGE_PORT (none when that is 0, a free port picked at
 * start), and left out when it is the scheme's default.
 */
function publicOrigin(env: HttpEnvironment): { scheme: 'http' | 'https'; port: string } {
  const port = env.EDGE_PUBLIC_PORT ?? (env.EDGE_PORT === 0 ? undefined : env.EDGE_PORT);
  return { scheme: env.EDGE_PUBLIC_SCHEME, port: port === undefined || port === DEFAULT_PORTS[env.EDGE_PUBLIC_SCHEME] ? '' : `:${port}` };
}

export const httpConfig = registerAs('http', () => {
  const env = readArea(HttpEnvironment);
  return {
    host: env.BIND_HOST,
    apiPort: env.API_PORT,
    gatewayPort: env.GATEWAY_PORT,
    edgePort: env.EDGE_PORT,
    orchestratorPort: env.ORCHESTRATOR_PORT,
    logIngestPort: env.LOG_INGEST_PORT,
    jsonBodyLimit: env.API_JSON_BODY_LIMIT,
    webhookBodyLimit: env.API_WEBHOOK_BODY_LIMIT,
    rootDomain: env.ROOT_DOMAIN,
    /** Sites' public URLs: `${scheme}://<host>${port}`. */
    edgePublic: publicOrigin(env),
    dnsResolvers: env.DNS_RESOLVERS.split(',').map((s) => s.trim()).filter(Boolean),
  };
});
