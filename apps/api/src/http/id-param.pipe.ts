import { Param, PipeTransform } from '@nestjs/common';
import { ID_PATTERN, NotFoundError } from '@deploysphere/common';

/** A path id that is not even shaped like one of ours is simply not found (never a 500, never a DB query). */
class IdPipe implements PipeTransform<string, string> {
  constructor(private readonly resource: string) {}
  transform(value: string): string {
    if (!ID_PATTERN.test(value)) throw new NotFoundError(this.resource, value.slice(0, 64));
    return value;
  }
}

export const IdParam = (name: string, resource: string) => Param(name, new IdPipe(resource));
