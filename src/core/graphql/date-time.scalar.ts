import { CustomScalar, Scalar } from '@nestjs/graphql';
import { Kind, ValueNode } from 'graphql';
import { DATE_TIME_FORMAT, parseDateTime } from './input-checks';

function toDate(value: unknown): Date {
  const date = parseDateTime(value);
  // graphql-js names the argument and the value; a variable's refusal becomes BAD_USER_INPUT.
  if (!date) throw new TypeError(`DateTime must be ${DATE_TIME_FORMAT}`);
  return date;
}

/**
 * Every `Date` field and argument of the schema, in place of @nestjs/graphql's
 * GraphQLISODateTime, which reads input with `new Date(value)`: `12345`, `true`,
 * `2024-01-01 10:00 PST` passed and `2024-02-30` became March 1. Same name and description, so
 * schema.gql (printed without this provider by scripts/schema.ts) and the console's generated
 * types stay as they are; the four-digit-year range is InputValidationPipe's (inputIssues).
 */
@Scalar('DateTime', () => Date)
export class DateTimeScalar implements CustomScalar<string | null, Date> {
  description =
    'A date-time string at UTC, such as 2019-12-03T09:54:33Z, compliant with the date-time format.';

  parseValue(value: unknown): Date {
    return toDate(value);
  }

  serialize(value: unknown): string | null {
    return value instanceof Date ? value.toISOString() : null;
  }

  parseLiteral(ast: ValueNode): Date {
    return toDate(ast.kind === Kind.STRING ? ast.value : undefined);
  }
}
