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
export function sanitizeReading(value: unknown, freeze: boolean): SensorReading | string {
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
  const fast = flatCopy(value as Record<string, unknown>);
  if (fast !== null) return (freeze ? Object.freeze(fast) : fast) as SensorReading;
  return generalCopy(value as Record<string, unknown>, freeze);
}

/** Any other plain object: copied whole, checked by `validateReading`, nested extras cloned. */
function generalCopy(value: Record<string, unknown>, freeze: boolean): SensorReading | string {
  const copy: Record<string, unknown> = { ...value };
  const check = validateReading(copy);
  if (!check.ok) return check.message;
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
function flatCopy(v: Record<string, unknown>): Record<string, unknown> | null {
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
    } else if (typeof x !== 'string' && typeof x !== 'boolean' && x !== null) return null;
    copy[key] = x;
  }
  return copy;
}

function deepFreeze<T extends JsonValue>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
