import type { Clock, JsonValue } from '@keel/contract';

/**
 * What the Python plugins of one host share: OptiFIRE's `context.data` dict and the outputs declared
 * so far (for `plan()` dependency checks). Keyed by the host's clock, the one service object every
 * plugin context of a host holds.
 */
export interface HostShared {
  readonly data: Map<string, JsonValue>;
  readonly outputs: Set<string>;
}

const shared = new WeakMap<object, HostShared>();

export function hostShared(clock: Clock): HostShared {
  let entry = shared.get(clock);
  if (entry === undefined) {
    entry = { data: new Map(), outputs: new Set() };
    shared.set(clock, entry);
  }
  return entry;
}
