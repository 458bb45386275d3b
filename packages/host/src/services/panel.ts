import { checkJsonSafe, type JsonValue, type Panel } from '@keel/contract';
import { describeThrown } from './errors.js';

/** What a stat that could not be read shows instead of its value. */
export interface StatError {
  readonly error: string;
}

/** A console panel with every stat evaluated: the value, or an error value for that stat only. */
export interface PanelView {
  readonly status: string;
  readonly stats: Record<string, JsonValue | StatError>;
}

/**
 * Evaluates a console panel now. Each stat getter is called at this moment (stats are lazy: the
 * panel is cheap to describe and costs only when read); a getter that throws or returns a value
 * that is not JSON-safe yields `{ error }` for that stat and the others are unaffected. `describe`
 * may be the plugin's `describe` hook bound to its context: if it throws, the view says so.
 */
export function evaluatePanel(panel: Panel | (() => Panel)): PanelView {
  let p: Panel;
  try {
    p = typeof panel === 'function' ? panel() : panel;
  } catch (thrown) {
    return { status: `ERROR: describe failed: ${describeThrown(thrown)}`, stats: {} };
  }
  if (p === null || typeof p !== 'object') {
    return { status: 'ERROR: describe must return { status, stats }', stats: {} };
  }
  const status = typeof p.status === 'string' ? p.status : `ERROR: status is not a string`;
  const stats: Record<string, JsonValue | StatError> = {};
  const getters = p.stats !== null && typeof p.stats === 'object' ? p.stats : {};
  for (const name of Object.keys(getters)) {
    stats[name] = readStat(getters, name);
  }
  return { status, stats };
}

function readStat(getters: Record<string, () => JsonValue>, name: string): JsonValue | StatError {
  try {
    const getter = getters[name];
    if (typeof getter !== 'function') return { error: 'stat is not a getter function' };
    const value: unknown = getter();
    const check = checkJsonSafe(value, { root: name });
    return check.ok ? (value as JsonValue) : { error: `contract: ${check.path} ${check.reason}` };
  } catch (thrown) {
    return { error: describeThrown(thrown) };
  }
}
