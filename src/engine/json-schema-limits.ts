/**
 * What a `validationSchema` may cost. Ajv turns a schema into code that runs at every save,
 * synchronously: a schema is checked against these before it is compiled, so no save can
 * stall the process. Each limit is named by the `rule` of the issue that reports it.
 */
export const SCHEMA_LIMITS = {
  /** Serialized size. */
  maxSchemaBytes: 64 * 1024,
  /** Subschemas nested in subschemas, as written. */
  maxSchemaDepth: 32,
  /** `$ref`s in the whole schema. */
  maxSchemaRefs: 100,
  /** Branches of one `allOf`, `anyOf`, `oneOf` or `prefixItems`. */
  maxSchemaFanOut: 50,
  /**
   * Subschemas once every `$ref` is replaced by what it names: the work of validating one
   * value grows with it (`anyOf` chains of `$ref`s double it per link).
   */
  maxSchemaExpansion: 5_000,
};

export type SchemaLimitRule = keyof typeof SCHEMA_LIMITS | 'schemaRef';

/** A schema refused for what it would cost, or for a `$ref` the limits cannot follow. */
export class SchemaLimitError extends Error {
  constructor(
    readonly rule: SchemaLimitRule,
    message: string,
  ) {
    super(message);
  }
}

const SUBSCHEMA = [
  'not',
  'if',
  'then',
  'else',
  'items',
  'contains',
  'additionalProperties',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'additionalItems',
  'contentSchema',
];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const SUBSCHEMA_MAPS = [
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
  'dependencies',
];
/** References whose target depends on the instance or on a base other than the root. */
const DYNAMIC_REFS = ['$dynamicRef', '$recursiveRef'];

type Schema = Record<string, unknown>;

function isSchemaObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The subschemas directly inside `schema`, by keyword, as JSON Schema 2020-12 places them. */
function children(schema: Schema): unknown[] {
  const found: unknown[] = [];
  for (const keyword of SUBSCHEMA) {
    const child = schema[keyword];
    if (isSchemaObject(child) || typeof child === 'boolean') found.push(child);
  }
  for (const keyword of SUBSCHEMA_LISTS) {
    const list = schema[keyword];
    if (Array.isArray(list)) found.push(...list);
  }
  for (const keyword of SUBSCHEMA_MAPS) {
    const map = schema[keyword];
    if (isSchemaObject(map)) {
      for (const child of Object.values(map))
        if (isSchemaObject(child) || typeof child === 'boolean') found.push(child);
    }
  }
  return found;
}

function decodePointerSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
  } catch {
    return undefined;
  }
}

/**
 * Checks a schema against SCHEMA_LIMITS: undefined when it is within them, else the first
 * limit crossed. Only local JSON-pointer `$ref`s (`#`, `#/$defs/name`) are accepted, and none
 * that leads back to itself: the cost of a recursive schema grows with the value's nesting,
 * which nothing here can bound.
 */
export function checkSchemaLimits(root: unknown): SchemaLimitError | undefined {
  try {
    new SchemaWalker(root).check();
    return undefined;
  } catch (error) {
    if (error instanceof SchemaLimitError) return error;
    throw error;
  }
}

class SchemaWalker {
  private refs = 0;
  private readonly expansionOf = new Map<unknown, number>();
  private readonly expanding = new Set<unknown>();

  constructor(private readonly root: unknown) {}

  check(): void {
    this.structure(this.root, 1, true);
    const expansion = this.expansion(this.root);
    if (expansion > SCHEMA_LIMITS.maxSchemaExpansion) {
      throw new SchemaLimitError(
        'maxSchemaExpansion',
        `expands to more than ${SCHEMA_LIMITS.maxSchemaExpansion} subschemas once its $refs are followed`,
      );
    }
  }

  /** Depth, fan-out, $ref count and $ref form, over the schema as written. */
  private structure(schema: unknown, depth: number, isRoot = false): void {
    if (!isSchemaObject(schema)) return;
    if (depth > SCHEMA_LIMITS.maxSchemaDepth) {
      throw new SchemaLimitError(
        'maxSchemaDepth',
        `nests subschemas more than ${SCHEMA_LIMITS.maxSchemaDepth} levels deep`,
      );
    }
    for (const keyword of DYNAMIC_REFS) {
      if (keyword in schema)
        throw new SchemaLimitError('schemaRef', `${keyword} is not supported; use $ref`);
    }
    if (!isRoot && '$id' in schema) {
      throw new SchemaLimitError('schemaRef', '$id is allowed on the root schema only');
    }
    if ('$ref' in schema) {
      this.refs += 1;
      if (this.refs > SCHEMA_LIMITS.maxSchemaRefs) {
        throw new SchemaLimitError(
          'maxSchemaRefs',
          `holds more than ${SCHEMA_LIMITS.maxSchemaRefs} $refs`,
        );
      }
      const ref = schema.$ref;
      if (typeof ref !== 'string' || (ref !== '#' && !ref.startsWith('#/'))) {
        throw new SchemaLimitError(
          'schemaRef',
          `$ref ${JSON.stringify(ref)} is not supported: only local references such as "#/$defs/name"`,
        );
      }
    }
    for (const keyword of SUBSCHEMA_LISTS) {
      const list = schema[keyword];
      if (Array.isArray(list) && list.length > SCHEMA_LIMITS.maxSchemaFanOut) {
        throw new SchemaLimitError(
          'maxSchemaFanOut',
          `${keyword} has more than ${SCHEMA_LIMITS.maxSchemaFanOut} subschemas`,
        );
      }
    }
    for (const child of children(schema)) this.structure(child, depth + 1);
  }

  /** Subschemas with every $ref followed; stops counting past the limit. */
  private expansion(schema: unknown): number {
    if (!isSchemaObject(schema)) return 1;
    const known = this.expansionOf.get(schema);
    if (known !== undefined) return known;
    if (this.expanding.has(schema)) {
      throw new SchemaLimitError(
        'schemaRef',
        'a $ref leads back to itself: recursive schemas are not supported',
      );
    }
    this.expanding.add(schema);
    let total = 1;
    const add = (child: unknown) => {
      total = Math.min(total + this.expansion(child), SCHEMA_LIMITS.maxSchemaExpansion + 1);
    };
    if (typeof schema.$ref === 'string') add(this.resolve(schema.$ref));
    for (const child of children(schema)) add(child);
    this.expanding.delete(schema);
    this.expansionOf.set(schema, total);
    return total;
  }

  /** A local JSON pointer against the root; what it does not reach, Ajv reports. */
  private resolve(ref: string): unknown {
    if (ref === '#') return this.root;
    let target: unknown = this.root;
    for (const segment of ref.slice(2).split('/')) {
      const key = decodePointerSegment(segment);
      if (key === undefined || (!isSchemaObject(target) && !Array.isArray(target)))
        return undefined;
      if (!Object.prototype.hasOwnProperty.call(target, key)) return undefined;
      target = (target as Schema)[key];
    }
    return target;
  }
}
