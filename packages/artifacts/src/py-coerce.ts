// QuantPlatformKit converts loosely typed JSON with Python's `str()`, `bool()` and `str.strip()`.
// Accept/reject parity depends on reproducing those conversions exactly, so they live here (spec §3).

import { ArtifactContractError } from './errors.js';

const PY_WHITESPACE = new Set<number>([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002,
  0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** Python's `str.strip()` whitespace set; unlike `String.prototype.trim` it keeps U+FEFF. */
export function pyTrim(s: string): string {
  let start = 0;
  let end = s.length;
  // Every character of the set is in the BMP, so UTF-16 code units are enough here.
  while (start < end && PY_WHITESPACE.has(s.charCodeAt(start))) start++;
  while (end > start && PY_WHITESPACE.has(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Number.POSITIVE_INFINITY) return 'inf';
  if (n === Number.NEGATIVE_INFINITY) return '-inf';
  if (Number.isInteger(n)) return BigInt(n).toString();
  if (Math.abs(n) >= 1e-4) return String(n);
  // Python's repr pads the exponent to two digits: 1e-05, -1.5e-07.
  return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Python's `str(value)` for JSON-shaped values (spec §3.2). */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  return pyRepr(v);
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp !== 0x20 && NON_PRINTABLE.test(ch)) {
      const hex = cp.toString(16);
      if (cp <= 0xff) out += `\\x${hex.padStart(2, '0')}`;
      else if (cp <= 0xffff) out += `\\u${hex.padStart(4, '0')}`;
      else out += `\\U${hex.padStart(8, '0')}`;
    } else out += ch;
  }
  return out + quote;
}

/** Python's `repr(value)`: like `pyStr` but strings are quoted and escaped. */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string') return reprString(v);
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return pyNumber(v);
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') {
    const parts: string[] = [];
    for (const key of Object.keys(v))
      parts.push(`${reprString(key)}: ${pyRepr((v as Record<string, unknown>)[key])}`);
    return `{${parts.join(', ')}}`;
  }
  return String(v);
}

/** Python truthiness of a JSON value. */
export function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '' || v === 0 || v === 0n) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') {
    for (const key in v) if (Object.hasOwn(v, key)) return true;
    return false;
  }
  return true;
}

/** A non-null, non-array object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own property value, never one inherited from the prototype (`__proto__`, `constructor`, ...). */
export function own(obj: unknown, key: string): unknown {
  if (!isObject(obj) || !Object.hasOwn(obj, key)) return undefined;
  return obj[key];
}

/** "Key present": an own property whose value is not `undefined`. */
export function hasKey(obj: Record<string, unknown>, key: string): boolean {
  return Object.hasOwn(obj, key) && obj[key] !== undefined;
}

export function optStr(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = pyTrim(pyStr(v));
  return s === '' ? null : s;
}

export interface ErrorContext {
  source?: 'mount' | 'notification_target' | 'artifact' | 'definition' | 'reference';
}

export function reqStr(
  v: unknown,
  field: string,
  source?: ErrorContext['source'],
  code: 'REQUIRED_FIELD' | 'DEFINITION_INVALID' = 'REQUIRED_FIELD',
): string {
  const s = optStr(v);
  if (s === null) {
    throw new ArtifactContractError(code, `${field} is required; got ${ArtifactContractError.show(v)}`, {
      field,
      value: v,
      ...(source === undefined ? {} : { source }),
    });
  }
  return s;
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'y', 'on']);

export function asBool(v: unknown, dflt: boolean): boolean {
  if (v === null || v === undefined) return dflt;
  if (typeof v === 'boolean') return v;
  return TRUE_WORDS.has(pyTrim(pyStr(v)).toLowerCase());
}

export const SHADOW = 'shadow';

export function normMode(
  v: unknown,
  field: string,
  source?: ErrorContext['source'],
  code: 'UNSUPPORTED_MODE' | 'DEFINITION_INVALID' = 'UNSUPPORTED_MODE',
): 'shadow' {
  // Fast path: every real artifact says exactly "shadow".
  if (v === SHADOW) return SHADOW;
  const m = pyTrim(pyStr(pyTruthy(v) ? v : '')).toLowerCase();
  if (m !== SHADOW) {
    throw new ArtifactContractError(code, `${field} must be "shadow"; got ${ArtifactContractError.show(v)}`, {
      field,
      value: v,
      supported: [SHADOW],
      ...(source === undefined ? {} : { source }),
    });
  }
  return SHADOW;
}

export function normField(v: unknown): string {
  const s = pyTrim(pyStr(pyTruthy(v) ? v : '')).toLowerCase();
  return s === '' ? 'unknown' : s;
}

function compareCodePoints(a: string, b: string): number {
  // UTF-16 order differs from code-point order only when surrogates meet U+E000–U+FFFF.
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/** Ascending by Unicode code point, like Python's `sorted()` on `str`. */
export function cpSort(list: readonly string[]): string[] {
  return [...list].sort(compareCodePoints);
}

/** Python's `a or b` on arbitrary values: the first truthy operand, else the last one. */
export function pyOr(...values: unknown[]): unknown {
  for (const v of values) if (pyTruthy(v)) return v;
  return values[values.length - 1];
}

/** Number of Unicode code points. */
export function cpLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The first `n` code points of `s`. */
export function cpSlice(s: string, n: number): string {
  if (s.length <= n) return s;
  let out = '';
  let i = 0;
  for (const ch of s) {
    if (i++ >= n) break;
    out += ch;
  }
  return out;
}
