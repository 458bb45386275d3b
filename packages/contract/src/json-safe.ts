/** A JSON value that survives `JSON.parse(JSON.stringify(x))` unchanged. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type JsonSafeResult = { ok: true } | { ok: false; path: string; reason: string };

export interface CheckJsonSafeOptions {
  /** Deepest container nesting accepted (the root container is depth 1). Default 32. */
  maxDepth?: number;
  /** Prefix for reported paths, e.g. `extras`. */
  root?: string;
}

const OK: JsonSafeResult = Object.freeze({ ok: true });
const DEFAULT_MAX_DEPTH = 32;

/**
 * Checks that `value` is plain JSON: strings, finite numbers, booleans, null, arrays and plain objects
 * of those, with no cycles and at most `maxDepth` levels of nesting. Returns the first offending path
 * and why, e.g. `{ ok: false, path: 'extras.atr', reason: 'is NaN' }`.
 *
 * It runs on every sensor reading on the per-bar path, so the success path allocates nothing; the
 * path string is only built for a failure.
 */
export function checkJsonSafe(value: unknown, options: CheckJsonSafeOptions = {}): JsonSafeResult {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const keys: Array<string | number> = [];
  const ancestors: object[] = [];
  const reason = visit(value, keys, ancestors, maxDepth);
  if (reason === undefined) return OK;
  return { ok: false, path: formatPath(options.root, keys), reason };
}

/** Type guard form of {@link checkJsonSafe}. */
export function isJsonSafe(value: unknown, options?: CheckJsonSafeOptions): value is JsonValue {
  return checkJsonSafe(value, options).ok;
}

// Returns a reason string on failure, leaving `keys` pointing at the offending value.
function visit(
  value: unknown,
  keys: Array<string | number>,
  ancestors: object[],
  maxDepth: number,
): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      if (Number.isFinite(value)) return undefined;
      return Number.isNaN(value) ? 'is NaN' : value > 0 ? 'is Infinity' : 'is -Infinity';
    case 'bigint':
      return 'is a BigInt';
    case 'undefined':
      return 'is undefined';
    case 'function':
      return 'is a function';
    case 'symbol':
      return 'is a symbol';
  }
  if (value === null) return undefined;
  const obj = value as object;
  if (ancestors.includes(obj)) return 'is a circular reference';
  if (ancestors.length >= maxDepth) return `is nested deeper than ${maxDepth} levels`;

  if (Array.isArray(obj)) {
    if (Object.getPrototypeOf(obj) !== Array.prototype) return `is an instance of ${className(obj)}`;
    ancestors.push(obj);
    const arr = obj as unknown[];
    for (let i = 0; i < arr.length; i++) {
      keys.push(i);
      if (!(i in arr)) return 'is a hole in a sparse array';
      const reason = visit(arr[i], keys, ancestors, maxDepth);
      if (reason !== undefined) return reason;
      keys.pop();
    }
    ancestors.pop();
    const own = Object.keys(arr);
    if (own.length !== arr.length) {
      const extra = own.find((k) => !isArrayIndex(k, arr.length)) ?? '';
      keys.push(extra);
      return 'is a non-index property on an array';
    }
    if (Object.getOwnPropertySymbols(arr).length > 0) return 'has symbol keys';
    return undefined;
  }

  const proto = Object.getPrototypeOf(obj) as object | null;
  if (proto !== Object.prototype && proto !== null) return describeNonPlain(obj);
  ancestors.push(obj);
  const rec = obj as Record<string, unknown>;
  for (const key in rec) {
    if (!Object.hasOwn(rec, key)) continue;
    keys.push(key);
    const reason = visit(rec[key], keys, ancestors, maxDepth);
    if (reason !== undefined) return reason;
    keys.pop();
  }
  ancestors.pop();
  if (Object.getOwnPropertySymbols(obj).length > 0) return 'has symbol keys';
  return undefined;
}

function isArrayIndex(key: string, length: number): boolean {
  const n = Number(key);
  return Number.isInteger(n) && n >= 0 && n < length && String(n) === key;
}

function describeNonPlain(obj: object): string {
  if (obj instanceof Date) return 'is a Date';
  if (obj instanceof Map) return 'is a Map';
  if (obj instanceof Set) return 'is a Set';
  if (ArrayBuffer.isView(obj)) return obj instanceof DataView ? 'is a DataView' : 'is a typed array';
  if (obj instanceof ArrayBuffer) return 'is an ArrayBuffer';
  if (obj instanceof Number || obj instanceof String || obj instanceof Boolean) return 'is a boxed primitive';
  return `is an instance of ${className(obj)}`;
}

function className(obj: object): string {
  const proto = Object.getPrototypeOf(obj) as { constructor?: { name?: string } } | null;
  return proto?.constructor?.name || 'an unnamed class';
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Renders `['extras', 'atr', 0]` as `extras.atr[0]`; keys that are not identifiers are quoted. */
export function formatPath(root: string | undefined, keys: ReadonlyArray<string | number>): string {
  let out = root ?? '';
  for (const key of keys) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (IDENTIFIER.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out === '' ? '(root)' : out;
}
