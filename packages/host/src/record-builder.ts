import type { SensorReading } from '@keel/contract';

/**
 * Builds a step's `plugins` record from its readings by slot position: the readings of slots
 * `0 .. end - 1`, keyed by plugin id, in run order.
 */
export type RecordBuilder = (
  readings: readonly SensorReading[],
  end: number,
) => Record<string, SensorReading>;

type Build = (readings: readonly SensorReading[]) => Record<string, SensorReading>;

/**
 * A record builder for one run order. Filling a record by `record[id] = reading` is a keyed store
 * with a different key per plugin: V8 goes megamorphic and that one line was the costliest of the
 * per-bar pipeline. An object literal with the ids as constant keys is instead a clone of one
 * boilerplate, so each prefix length gets a small generated function (the same technique as
 * fast-json-stringify or ajv), built on first use. Where code generation from strings is disabled
 * (`--disallow-code-generation-from-strings`), a plain loop does the same work more slowly.
 */
export function recordBuilder(ids: readonly string[]): RecordBuilder {
  const built: Array<Build | undefined> = [];
  return (readings, end) => {
    let build = built[end];
    if (build === undefined) {
      build = compile(ids.slice(0, end));
      built[end] = build;
    }
    return build(readings);
  };
}

function compile(ids: readonly string[]): Build {
  // A literal `"__proto__": x` would set the prototype instead of a key; manifest ids cannot be that
  // (they match ^[a-z][a-z0-9-]{1,63}$), but the builder does not rely on its caller for it.
  if (!ids.includes('__proto__')) {
    try {
      const fields = ids.map((id, i) => `${JSON.stringify(id)}: r[${i}]`).join(', ');
      return new Function('r', `"use strict"; return { ${fields} };`) as Build;
    } catch {
      // Code generation from strings is disabled in this process: fall through to the loop.
    }
  }
  return (readings) => {
    const out: Record<string, SensorReading> = {};
    for (let i = 0; i < ids.length; i++) {
      Object.defineProperty(out, ids[i] as string, {
        value: readings[i],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
}
