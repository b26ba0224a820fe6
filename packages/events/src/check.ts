import type { z } from "zod";

/** Whether a value passes a schema; never copies the value or builds issues. */
export type Check = (value: unknown) => boolean;

/**
 * The parts of zod's (v4) schema definitions a check is compiled from. Only what the stream schemas
 * use is supported; anything else throws when the check is compiled (at import), so a schema change
 * the compiler does not understand cannot pass silently.
 */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  innerType?: z.ZodType;
  options?: readonly z.ZodType[];
  entries?: Record<string, string | number>;
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  checks?: readonly { _zod: { def: CheckDef } }[];
}

interface CheckDef {
  check: string;
  minimum?: number;
  format?: string;
  pattern?: RegExp;
  fn?: (value: never) => unknown;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (!isObject(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/**
 * A check that accepts exactly what `schema.safeParse` accepts, compiled once from the schema's
 * definition: the zod schema stays the one statement of the contract. The schemas it supports have
 * no transforms, defaults or stripped keys (loose objects only), so an accepted value is already what
 * zod's parse would return (a deep-equal copy); the check lets callers keep the value itself.
 */
export function compileCheck(schema: z.ZodType): Check {
  const def = defOf(schema);
  // A format type (z.email(), z.uuid(), …) is its own check: its definition names the format.
  const own = (def as Def & Partial<CheckDef>).check === undefined ? [] : [def as Def & CheckDef];
  const refinements = [...own, ...(def.checks ?? []).map((c) => c._zod.def)].map((c) =>
    compileRefinement(c, def.type),
  );
  const base = compileType(def);
  if (refinements.length === 0) return base;
  return (value) => {
    if (!base(value)) return false;
    for (const refinement of refinements) if (!refinement(value as never)) return false;
    return true;
  };
}

function compileType(def: Def): Check {
  switch (def.type) {
    case "object":
      return compileObject(def);
    case "string":
      return (value) => typeof value === "string";
    case "number":
      return (value) => typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return (value) => typeof value === "boolean";
    case "unknown":
      return () => true;
    case "optional": {
      const inner = compileCheck(required(def.innerType, def));
      return (value) => value === undefined || inner(value);
    }
    case "nullable": {
      const inner = compileCheck(required(def.innerType, def));
      return (value) => value === null || inner(value);
    }
    case "union": {
      const options = required(def.options, def).map(compileCheck);
      return (value) => options.some((option) => option(value));
    }
    case "enum": {
      const values = new Set(Object.values(required(def.entries, def)));
      return (value) => (typeof value === "string" || typeof value === "number") && values.has(value);
    }
    case "array": {
      const element = compileCheck(required(def.element, def));
      return (value) => Array.isArray(value) && value.every((item) => element(item));
    }
    case "record":
      return compileRecord(def);
    default:
      throw new Error(`compileCheck: zod type "${def.type}" is not supported`);
  }
}

function compileObject(def: Def): Check {
  const catchall = def.catchall === undefined ? undefined : defOf(def.catchall).type;
  // A strict or stripping object would reject or drop unknown keys: the value would not be zod's output.
  if (catchall !== "unknown")
    throw new Error("compileCheck: only loose objects (z.looseObject) are supported");
  const fields = Object.entries(required(def.shape, def)).map(([key, schema]) => {
    const check = compileCheck(schema);
    return (value: Record<string, unknown>) => check(value[key]);
  });
  return (value) => isObject(value) && fields.every((field) => field(value));
}

function compileRecord(def: Def): Check {
  if (defOf(required(def.keyType, def)).type !== "string") {
    throw new Error("compileCheck: only records with string keys are supported");
  }
  const valueCheck = compileCheck(required(def.valueType, def));
  return (value) => isPlainObject(value) && Object.values(value).every((item) => valueCheck(item));
}

function compileRefinement(check: CheckDef, type: string): (value: never) => boolean {
  switch (check.check) {
    case "min_length": {
      const minimum = required(check.minimum, check);
      return (value: string) => value.length >= minimum;
    }
    case "string_format": {
      if (check.format !== "regex") break;
      const pattern = required(check.pattern, check);
      return (value: string) => {
        pattern.lastIndex = 0;
        return pattern.test(value);
      };
    }
    case "number_format":
      if (check.format !== "safeint") break;
      return (value: number) => Number.isSafeInteger(value);
    case "custom": {
      const fn = required(check.fn, check);
      return (value: never) => Boolean(fn(value));
    }
  }
  throw new Error(`compileCheck: ${type} check "${check.check}" (${check.format ?? "-"}) is not supported`);
}

function required<T>(part: T | undefined, where: Def | CheckDef): T {
  if (part === undefined) throw new Error(`compileCheck: incomplete zod definition ${JSON.stringify(where)}`);
  return part;
}
