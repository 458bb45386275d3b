import type { Bar } from '@keel/contract';

// A class whose constructor returns its argument: `new Brand(o)` then adds Brand's private field to
// `o` itself, a plain object that keeps its prototype and its JSON. The mark is invisible to keys,
// spread, JSON and structured clone, and cannot be forged: only this module can name `#keel`.
class ReturnsTarget {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: the return-override is how the mark lands on `target`
    return target;
  }
}

class Brand extends ReturnsTarget {
  #keel = true;

  static mark(target: object): void {
    new Brand(target);
  }

  static has(value: object): boolean {
    return #keel in value;
  }
}

/**
 * True for a bar made by {@link immutableBar} (or by the host's own readers, which use it): frozen,
 * plain data properties, nothing else. Such a bar can be handed to plugins as it is; any other
 * object is copied first.
 */
export function isImmutableBar(value: unknown): boolean {
  return value !== null && typeof value === 'object' && Brand.has(value);
}

/**
 * The host's immutable copy of a bar: every field read once into a fresh frozen object, so one
 * plugin cannot edit the bar the next one sees, the caller may reuse its object, and a plugin may
 * keep it (`prev = bar`) across bars. Marked, so a bar that already is one passes through the
 * pipeline without another copy (replaying an array of bars from `readCsvBars` copies nothing).
 */
export function immutableBar(bar: Bar): Bar {
  if (isImmutableBar(bar)) return bar;
  const { time, open, high, low, close, volume, symbol, aux } = bar;
  let copy: Bar;
  if (aux === undefined) {
    copy =
      symbol === undefined
        ? { time, open, high, low, close, volume }
        : { time, open, high, low, close, volume, symbol };
  } else {
    const frozenAux = Object.freeze({ ...aux });
    copy =
      symbol === undefined
        ? { time, open, high, low, close, volume, aux: frozenAux }
        : { time, open, high, low, close, volume, symbol, aux: frozenAux };
  }
  // Marked before freezing: adding a private field to a frozen object may be refused in future engines.
  Brand.mark(copy);
  return Object.freeze(copy);
}
