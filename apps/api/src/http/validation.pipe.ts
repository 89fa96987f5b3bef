import { ValidationPipe, type ArgumentMetadata, type ValidationError as ClassValidatorError } from '@nestjs/common';
import { ValidationError, type FieldError } from '@deploysphere/common';
import { checkInputRules } from './input-rules';

function flatten(errors: ClassValidatorError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([code, message]) => ({
      field,
      code: code === 'whitelistValidation' ? 'unknownField' : code,
      message: code === 'whitelistValidation' ? `${field} is not a known field` : message,
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Validates every body and query against its DTO: first the rules shared by every DTO
 * (input-rules.ts: unknown fields, `null`, control characters), then the DTO's own
 * constraints; each bad field is listed, values are converted to the DTO's types.
 */
class ApiValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // A missing body is checked by the body-required interceptor; a missing query string is `{}`.
    const present = value ?? (metadata.type === 'query' ? {} : undefined);
    if ((metadata.type === 'body' || metadata.type === 'query') && !metadata.data && metadata.metatype && present !== undefined) {
      const errors = checkInputRules(present, metadata.metatype);
      if (errors.length) throw new ValidationError([...errors, ...(await this.otherErrors(present, errors, metadata))]);
    }
    return super.transform(value, metadata);
  }

  /** The DTO's own errors too, so one answer lists every bad field: found without the fields already refused. */
  private async otherErrors(value: unknown, refused: FieldError[], metadata: ArgumentMetadata): Promise<FieldError[]> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
    const top = new Set(refused.map((e) => e.field.split('.')[0]));
    const rest = Object.fromEntries(Object.entries(value).filter(([key]) => !top.has(key)));
    try {
      await super.transform(rest, metadata);
      return [];
    } catch (err) {
      return err instanceof ValidationError ? (err.details?.errors ?? []).filter((e) => !top.has(e.field.split('.')[0])) : [];
    }
  }
}

export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new ValidationError(flatten(errors)),
  });
}
