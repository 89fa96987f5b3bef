import { DomainError, type FieldError } from '@deploysphere/common';
import type { appsConfig, ConfigType } from '@deploysphere/config';

interface AppResources {
  replicas?: number | null;
  memoryMb?: number | null;
  cpus?: number | null;
}

/**
 * The platform's maxima (APP_MAX_*) are configuration, not part of the request schema: a value
 * within the schema's bounds but above the installation's maximum is refused here (422
 * APP_LIMIT_EXCEEDED, one error per field), before anything is written.
 */
export function assertWithinAppLimits(settings: AppResources, cfg: ConfigType<typeof appsConfig>): void {
  const errors: FieldError[] = [];
  const check = (field: keyof AppResources, max: number, unit: string) => {
    const value = settings[field];
    if (value !== null && value !== undefined && value > max) {
      errors.push({ field, code: 'exceedsPlatformMaximum', message: `${field} must not exceed ${max}${unit} on this platform` });
    }
  };
  check('replicas', cfg.max.replicas, '');
  check('memoryMb', cfg.max.memoryMb, ' MiB');
  check('cpus', cfg.max.cpus, ' CPUs');
  if (errors.length > 0) throw new DomainError('validation', 'APP_LIMIT_EXCEEDED', 'A runtime setting exceeds the platform maximum', { errors });
}
