import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ValidationError } from '@deploysphere/common';

/** What `encodeCursor` makes: base64url. */
export const CURSOR = /^[A-Za-z0-9_-]+$/;

export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit: number = 20;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page\'s `nextCursor`', pattern: CURSOR.source, maxLength: 200 })
  @IsOptional() @IsString() @MaxLength(200) @Matches(CURSOR, { message: 'cursor is not a valid cursor' })
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Keyset position: newest first by (createdAt, id). The cursor is opaque to clients. */
export interface CursorPosition {
  createdAt: Date;
  id: string;
}

export function encodeCursor(pos: CursorPosition): string {
  return Buffer.from(`${pos.createdAt.toISOString()}|${pos.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): CursorPosition | undefined {
  if (!cursor) return undefined;
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) {
    throw new ValidationError([{ field: 'cursor', code: 'invalidCursor', message: 'cursor is not a valid cursor' }]);
  }
  return { createdAt, id };
}

/** Prisma `where` for rows strictly after the cursor in (createdAt desc, id desc) order. */
export function afterCursor(pos: CursorPosition | undefined) {
  if (!pos) return {};
  return { OR: [{ createdAt: { lt: pos.createdAt } }, { createdAt: pos.createdAt, id: { lt: pos.id } }] };
}

export const NEWEST_FIRST = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

/** Takes `limit + 1` rows and turns them into a page. */
export function toPage<R extends CursorPosition, T>(rows: R[], limit: number, map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items: items.map(map), nextCursor: more ? encodeCursor(items[items.length - 1]) : null };
}

export function PageResponse<T>(item: new () => T, name: string) {
  class PageOf {
    @ApiProperty({ type: [item] }) items!: T[];
    @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` to get the next page; null on the last page' })
    nextCursor!: string | null;
  }
  Object.defineProperty(PageOf, 'name', { value: name });
  return PageOf;
}
