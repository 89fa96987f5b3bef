import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min, MinLength } from 'class-validator';
import { emptyToUndefined, PORT, readArea, toInt } from './area.validation';

export class ObservabilityEnvironment {
  /** Set: `/metrics` answers only `Authorization: Bearer <token>`. Unset: open (scrape it on a private network). */
  @Transform(emptyToUndefined) @IsOptional() @MinLength(16, { message: 'must be at least 16 characters' })
  METRICS_TOKEN?: string;

  /** The edge's management listener (`/livez`, `/readyz`, `/metrics`), apart from tenant traffic. Not used by `npm start`. */
  @Transform(toInt) @IsInt(PORT) @Min(0, PORT) @Max(65535, PORT)
  EDGE_MANAGEMENT_PORT = 3004;

  /** Set: spans are exported over OTLP/HTTP (e.g. `http://collector:4318`). Unset: tracing is off, no SDK loaded. */
  @Transform(emptyToUndefined) @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /** The service name on exported spans; default `deploysphere-<app>`. */
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^[A-Za-z0-9._-]{1,100}$/, { message: 'must be 1–100 letters, digits, dots, dashes or underscores' })
  OTEL_SERVICE_NAME?: string;
}

export const observabilityConfig = registerAs('observability', () => {
  const env = readArea(ObservabilityEnvironment);
  return {
    metricsToken: env.METRICS_TOKEN,
    edgeManagementPort: env.EDGE_MANAGEMENT_PORT,
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: env.OTEL_SERVICE_NAME,
  };
});
