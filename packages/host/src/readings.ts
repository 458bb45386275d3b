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
 * The value is read exactly once, into a fresh object, and it is that copy which is validated and
 * published: a getter that changes its answer, a Proxy, or a plugin that reuses and mutates its
 * reading object on the next bar cannot alter a published result. Nested extras are cloned through
 * JSON and frozen, so what later layers and the serializer see is plain data by construction.
 * Throwing getters and traps are the caller's to catch.
 *
 * Fast path: the three required fields and primitive extras are checked in one pass over the copy
 * (the same rules as the contract's `validateReading`); anything else (a container extra, or any
 * violation) goes through `validateReading`, which stays the authority on what is accepted and on
 * the message. Allocates only the copy.
 */
export function sanitizeReading(value: unknown, freeze: boolean): SensorReading | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const check = validateReading(value);
    return check.ok ? 'reading must be a plain object' : check.message;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null) return 'reading must be a plain object';
  // Spread reads each own property once (getters included) and is V8's fastest object copy.
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (!isPlainFlatReading(copy)) {
    const check = validateReading(copy);
    if (!check.ok) return check.message;
    for (const key in copy) {
      const v = copy[key];
      if (v !== null && typeof v === 'object')
        copy[key] = deepFreeze(JSON.parse(JSON.stringify(v)) as JsonValue);
    }
  }
  return (freeze ? Object.freeze(copy) : copy) as SensorReading;
}

/**
 * True when `r` certainly passes `validateReading` and needs no clone: required fields well typed,
 * score in 0..1, status short enough, and every enumerable key (own or, if `Object.prototype` was
 * polluted, inherited) a string, boolean, null or finite number. False means "take the slow path",
 * not "invalid".
 */
function isPlainFlatReading(r: Record<string, unknown>): boolean {
  const score = r.score;
  const status = r.status;
  if (
    typeof r.active !== 'boolean' ||
    typeof score !== 'number' ||
    !(score >= 0 && score <= 1) ||
    typeof status !== 'string' ||
    status.length > MAX_STATUS_LENGTH
  )
    return false;
  for (const key in r) {
    const v = r[key];
    if (typeof v === 'number') {
      if (v - v !== 0) return false; // NaN or ±Infinity
    } else if (typeof v !== 'string' && typeof v !== 'boolean' && v !== null) return false;
  }
  return true;
}

function deepFreeze<T extends JsonValue>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
