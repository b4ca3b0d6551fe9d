import { Type } from '@nestjs/common';
import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AppError } from '../errors/app-error';

@ObjectType('PageInfo')
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 20, description: '1 to 100.' })
  @IsInt()
  @Min(1)
  @Max(100)
  first = 20;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  after?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** Builds `XConnection` and `XEdge` object types for a node type. */
export function ConnectionType<T>(node: Type<T>, name: string): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionClass;
}

/**
 * A keyset position: the sort value and the id of the last row seen, and for a connection
 * with a choice of orders the order it was taken in. Opaque to clients.
 */
export interface Keyset {
  sort: string;
  id: string;
  order?: string;
}

export function encodeCursor(keyset: Keyset): string {
  const parts = [keyset.sort, keyset.id];
  if (keyset.order !== undefined) parts.push(keyset.order);
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(\d{3})?Z$/;

/** A UTC instant as cursors hold it (milliseconds or microseconds), on a real calendar day. */
export function isInstant(sort: string): boolean {
  if (!ISO_INSTANT.test(sort)) return false;
  const millis = Date.parse(`${sort.slice(0, 23)}Z`);
  return !Number.isNaN(millis) && new Date(millis).toISOString().startsWith(sort.slice(0, 23));
}

/** An environment revision as cursors hold it. */
export function isRevision(sort: string): boolean {
  return /^\d{1,15}$/.test(sort);
}

/**
 * The position `cursor` encodes; `order` is the order the page is asked in, and a cursor
 * taken in another order is refused (it would skip or repeat rows). Every keyset's id is a
 * UUID, and `isSort` says what its sort value must be: a forged cursor is refused here, never
 * handed to the database (which would refuse it as an internal error, or read `yesterday`
 * as a time).
 */
export function decodeCursor(
  cursor: string | null | undefined,
  isSort: (sort: string) => boolean,
  order?: string,
): Keyset | undefined {
  if (cursor == null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== (order === undefined ? 2 : 3) ||
    !parsed.every((part) => typeof part === 'string')
  ) {
    throw invalidCursor();
  }
  if (!UUID.test(parsed[1]) || !isSort(parsed[0])) throw invalidCursor();
  if (order !== undefined && parsed[2] !== order) {
    throw invalidCursor(`after was returned for another orderBy; ask again from the first page`);
  }
  return { sort: parsed[0], id: parsed[1], ...(order !== undefined ? { order } : {}) };
}

/** The BAD_USER_INPUT for an `after` this API did not return (or not for this query). */
export function invalidCursor(
  message = 'after must be an endCursor returned by this API',
): AppError {
  return AppError.badInput('Invalid cursor', [{ path: 'after', rule: 'cursor', message }]);
}

/**
 * Turns rows fetched with `limit first + 1` into a connection page; `keysetOf` gives the
 * position each row's cursor encodes.
 */
export function toConnection<T>(
  rows: T[],
  first: number,
  keysetOf: (row: T) => Keyset,
): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(keysetOf(node)) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : null,
    },
  };
}
