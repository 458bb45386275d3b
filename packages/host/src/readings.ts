import { type JsonValue, MAX_STATUS_LENGTH, type SensorReading, validateReading } from '@keel/contract';

/** The statuses of readings the host makes on a plugin's behalf (all `active: false, score: 0`). */
export const HOST_STATUS = Object.freeze({
  warmup: 'WARMUP',
  timeout: 'TIMEOUT',
  quarantined: 'QUARANTINED',
  disabled: 'DISABLED',
  errorPrefix: 'ERROR: ',
});

const hostReading = (status: string): SensorReading => Object.freeze({ active: false, score: 0, status });

export const WARMUP_READING = hostReading(HOST_STATUS.warmup);
export const TIMEOUT_READING = hostReading(HOST_STATUS.timeout);
export const QUARANTINED_READING = hostReading(HOST_STATUS.quarantined);
export const DISABLED_READING = hostReading(HOST_STATUS.disabled);

/** Default cap on a reading's serialized size: 256 KB of JSON. */
export const DEFAULT_MAX_READING_BYTES = 262_144;

/** A synchronous call's reading replaced because the call ran past `budget.timeoutMs`. */
export function overrunReading(overranMs: number): SensorReading {
  return hostReading(`${HOST_STATUS.timeout} (overran by ${overranMs} ms)`);
}

/** `ERROR: <message>` cut to the contract's status length. */
export function errorReading(message: string): SensorReading {
  const status = HOST_STATUS.errorPrefix + message;
  return hostReading(
    status.length > MAX_STATUS_LENGTH ? `${status.slice(0, MAX_STATUS_LENGTH - 1)}…` : status,
  );
}

/**
 * Turns what `onBar` returned into the host's own reading, or returns a string saying why it
 * cannot (the contract violation, e.g. `extras.atr is NaN`).
 *
 * What is published is always a fresh object that was itself validated: a getter that changes its
 * answer, a Proxy, or a plugin that reuses and mutates its reading object on the next bar cannot
 * alter a published result. Nested extras are cloned through JSON and frozen, so what later layers
 * and the serializer see is plain data by construction. Throwing getters and traps are the
 * caller's to catch.
 *
 * Fast path ({@link flatCopy}): a reading whose keys start with `active, score, status` and whose
 * extras are primitives is checked and copied in one pass, each property read once. Anything else
 * (another key order, a container extra, any violation) is copied whole and goes through
 * `validateReading`, which stays the authority on what is accepted and on the message; a getter
 * is then read a second time, but only that second copy is checked and published.
 */
export function sanitizeReading(
  value: unknown,
  freeze: boolean,
  maxBytes: number = DEFAULT_MAX_READING_BYTES,
): SensorReading | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const check = validateReading(value);
    return check.ok ? 'reading must be a plain object' : check.message;
  }
  // `constructor === Object` is an inline-cached load that settles the usual case; a class
  // instance, Date or Map gets the exact prototype test (`getPrototypeOf` costs a builtin call per
  // reading). An object inheriting from a plain one passes either way and is read by its own keys.
  if ((value as { constructor?: unknown }).constructor !== Object) {
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto !== Object.prototype && proto !== null) return 'reading must be a plain object';
  }
  // A flat reading whose characters, at the worst 6 bytes each (`\\u0000` escapes), cannot reach
  // the cap is certainly under it; anything closer is measured exactly on the general path.
  const fast = flatCopy(value as Record<string, unknown>, maxBytes / 6);
  if (fast !== null) return (freeze ? Object.freeze(fast) : fast) as SensorReading;
  return generalCopy(value as Record<string, unknown>, freeze, maxBytes);
}

/** Any other plain object: copied whole, checked by `validateReading`, nested extras cloned. */
function generalCopy(
  value: Record<string, unknown>,
  freeze: boolean,
  maxBytes: number,
): SensorReading | string {
  const copy: Record<string, unknown> = { ...value };
  const check = validateReading(copy);
  if (!check.ok) return check.message;
  // Measured on the validated copy (plain JSON data, no cycles) before anything is serialized:
  // the walk stops as soon as the cap is passed, so a huge extra costs at most `maxBytes` of work.
  if (jsonSizeOver(copy, maxBytes)) return `reading is larger than ${maxBytes} bytes`;
  for (const key in copy) {
    const v = copy[key];
    if (v !== null && typeof v === 'object')
      copy[key] = deepFreeze(JSON.parse(JSON.stringify(v)) as JsonValue);
  }
  return (freeze ? Object.freeze(copy) : copy) as SensorReading;
}

/**
 * The common reading, checked and copied in one pass, or null for "take the general path" (not
 * "invalid"). Accepts only what `validateReading` accepts: `active` a boolean, `score` a number in
 * 0..1, `status` a string of at most `MAX_STATUS_LENGTH`, then any number of extras that are
 * strings, booleans, nulls or finite numbers. The copy starts as a literal of the three required
 * keys (one hidden class for every plugin) and keeps the plugin's key order, which is why a
 * reading must list the required keys first to qualify. Inherited enumerable keys (a polluted
 * `Object.prototype`) would be read like own ones, so such a reading never qualifies: the general
 * path copies own keys only.
 */
function flatCopy(v: Record<string, unknown>, maxChars: number): Record<string, unknown> | null {
  const active = v.active;
  const score = v.score;
  const status = v.status;
  if (
    typeof active !== 'boolean' ||
    typeof score !== 'number' ||
    !(score >= 0 && score <= 1) ||
    typeof status !== 'string' ||
    status.length > MAX_STATUS_LENGTH
  )
    return null;
  const copy: Record<string, unknown> = { active, score, status };
  // Characters of the JSON text, numbers counted at their longest (24): an upper bound / 6 of the bytes.
  let chars = 64 + status.length;
  let n = 0;
  for (const key in v) {
    if (n < 3) {
      if (key !== (n === 0 ? 'active' : n === 1 ? 'score' : 'status')) return null;
      n++;
      continue;
    }
    if (!Object.hasOwn(v, key)) return null;
    const x = v[key];
    if (typeof x === 'number') {
      if (x - x !== 0) return null; // NaN or ±Infinity
      chars += key.length + 28;
    } else if (typeof x === 'string') chars += key.length + x.length + 6;
    else if (typeof x === 'boolean' || x === null) chars += key.length + 9;
    else return null;
    copy[key] = x;
  }
  return chars <= maxChars ? copy : null;
}

/**
 * Whether `JSON.stringify(value)` would take more than `maxBytes` UTF-8 bytes, found by walking
 * plain, validated JSON data without building the string; stops as soon as the answer is yes.
 */
export function jsonSizeOver(value: unknown, maxBytes: number): boolean {
  let left = maxBytes;
  const walk = (v: unknown): boolean => {
    if (v === null || typeof v === 'boolean') left -= v === false ? 5 : 4;
    else if (typeof v === 'number') left -= String(v).length;
    else if (typeof v === 'string') left -= stringBytes(v, left);
    else if (Array.isArray(v)) {
      // Brackets, and a comma between elements.
      left -= v.length === 0 ? 2 : 1;
      for (let i = 0; i < v.length && left >= 0; i++) {
        if (walk(v[i])) return true;
        left -= 1;
      }
    } else if (typeof v === 'object') {
      // Braces, and per entry its key, a colon and a comma (one comma fewer than entries).
      left -= 1;
      let empty = true;
      for (const key in v as Record<string, unknown>) {
        if (!Object.hasOwn(v, key)) continue;
        const x = (v as Record<string, unknown>)[key];
        if (x === undefined) continue;
        empty = false;
        left -= stringBytes(key, left) + 2;
        if (left < 0 || walk(x)) return true;
      }
      if (empty) left -= 1;
    }
    return left < 0;
  };
  return walk(value);
}

/** Bytes of `s` as a JSON string (quotes, escapes, UTF-8), counting no further than `limit` + 1. */
function stringBytes(s: string, limit: number): number {
  let bytes = 2;
  for (let i = 0; i < s.length && bytes <= limit; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) bytes += c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
    else if (c === 0x22 || c === 0x5c) bytes += 2;
    else if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 6; // a lone surrogate is escaped
    } else if (c >= 0xdc00 && c <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}

function deepFreeze<T extends JsonValue>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
