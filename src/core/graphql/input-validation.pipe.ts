import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { validate, ValidationError } from 'class-validator';
import { AppError, ValidationIssue } from '../errors/app-error';
import { inputIssues, INPUT_LIMITS } from './input-checks';

const PRIMITIVES: unknown[] = [String, Boolean, Number, Array, Object];
/** How Nest tells a GraphQL resolver's parent (0), context (1) and info (2) from its args (3). */
const NOT_INPUT = new Set(['0', '1', '2']);

type Class = new () => object;

function flatten(errors: ValidationError[], parent: string): ValidationIssue[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      path,
      rule,
      message,
    }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/** The input class a property holds, when it is declared with `@Type(() => Class)`. */
function nestedClass(metatype: Class, property: string): Class | undefined {
  const metadata = defaultMetadataStorage.findTypeMetadata(metatype, property);
  return metadata?.typeFunction() as Class | undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !(value instanceof Date);
}

function join(parent: string, property: string): string {
  return parent ? `${parent}.${property}` : property;
}

/**
 * Text and size problems anywhere in an argument. Input classes are walked field by field,
 * so the depth limit counts from each JSON value, not from the argument that holds it.
 */
function argumentIssues(
  metatype: Class | undefined,
  value: unknown,
  path: string,
): ValidationIssue[] {
  if (!metatype || !isObject(value) || Array.isArray(value)) return inputIssues(value, path);
  return Object.keys(value).flatMap((property) => {
    const field = value[property];
    const nested = nestedClass(metatype, property);
    const fieldPath = join(path, property);
    if (nested && Array.isArray(field)) {
      return field.flatMap((item, i) => argumentIssues(nested, item, `${fieldPath}[${i}]`));
    }
    return argumentIssues(nested, field, fieldPath);
  });
}

/**
 * The argument as an instance of its input class, for class-validator. Only properties
 * declared as nested input classes become instances; every other value — JSON values and
 * contexts above all — is passed on exactly as GraphQL delivered it, never copied or
 * transformed (members named `__proto__` or `constructor` are ordinary data). GraphQL has
 * already coerced every argument to its type, so class-transformer's `@Transform` and
 * `@Expose` have no part here.
 */
function instantiate(metatype: Class, value: Record<string, unknown>): object {
  const instance = new metatype() as Record<string, unknown>;
  for (const property of Object.keys(value)) {
    const field = value[property];
    const nested = nestedClass(metatype, property);
    const built =
      nested && Array.isArray(field)
        ? field.map((item) => (isObject(item) ? instantiate(nested, item) : item))
        : nested && isObject(field)
          ? instantiate(nested, field)
          : field;
    Object.defineProperty(instance, property, {
      value: built,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return instance;
}

function refuse(issues: ValidationIssue[]): never {
  throw AppError.badInput(
    `Invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    issues,
  );
}

/**
 * Every argument of every resolver passes here. First, anywhere in it: text must be
 * well-formed Unicode without NUL, and values stay within the depth and size limits
 * (INPUT_LIMITS). Then class-typed arguments are validated with class-validator. All
 * failures are reported at once as BAD_USER_INPUT with `validationErrors: [{path, rule,
 * message}]`.
 */
@Injectable()
export class InputValidationPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'custom' || NOT_INPUT.has(String(metadata.type))) return value;
    const { metatype } = metadata;
    const inputClass = metatype && !PRIMITIVES.includes(metatype) ? (metatype as Class) : undefined;
    const issues = argumentIssues(inputClass, value, metadata.data ?? '');
    if (issues.length > 0) refuse(issues.slice(0, INPUT_LIMITS.maxIssues));
    if (!inputClass || !isObject(value) || Array.isArray(value)) return value;
    const instance = instantiate(inputClass, value);
    const errors = await validate(instance, {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
    });
    if (errors.length > 0) refuse(flatten(errors, metadata.data ?? ''));
    return instance;
  }
}
