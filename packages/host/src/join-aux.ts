import type { Bar } from '@keel/contract';
import { z } from 'zod';
import { HostError } from './errors.js';
import { immutableBar } from './immutable-bar.js';

/** A series to join: bars (their `close` is joined) or `{ time, value }` points, oldest first. */
export type AuxSource = Iterable<Bar | AuxPoint> | AsyncIterable<Bar | AuxPoint>;

export interface AuxPoint {
  readonly time: number;
  readonly value: number;
}

/** One joined series with its own limits (they override the shared options). */
export interface AuxSeries {
  readonly source: AuxSource;
  /** Oldest value still joined, as the gap between the bar's time and the value's time (ms). */
  readonly maxStalenessMs?: number;
  /** How long after its time stamp a value becomes known (see {@link JoinAuxOptions.delayMs}). */
  readonly delayMs?: number;
}

export interface JoinAuxOptions {
  /**
   * `last`: each bar gets the last value known at or before its time (an as-of join). The only
   * policy today; it is required so that code says which join it relies on.
   */
  readonly policy: 'last';
  /** A value older than this (bar time − value time, ms) is stale: the key is omitted from that bar. */
  readonly maxStalenessMs: number;
  /**
   * How long after its time stamp a value becomes known (default 0). A daily close stamped with its
   * date (`2024-03-11` = 00:00 UTC) is only known after that day's close: joining it into intraday
   * bars of the same day without a delay would hand them the future; use e.g. `24 * 3_600_000`.
   */
  readonly delayMs?: number;
}

/** What a join did, per key: never silent about a bar it left a key off. */
export interface AuxJoinStats {
  /** Bars read from the primary source. */
  readonly bars: number;
  /** Bars that got the key. */
  readonly joined: Readonly<Record<string, number>>;
  /** Bars that got no value because the last one was older than `maxStalenessMs`. */
  readonly stale: Readonly<Record<string, number>>;
  /** Bars before the series' first known value. */
  readonly missing: Readonly<Record<string, number>>;
  /** Series points skipped because their time did not increase or their value was not finite. */
  readonly skipped: Readonly<Record<string, number>>;
}

/** The joined bars (async iterable, read once) and the counts so far. */
export interface AuxJoin extends AsyncIterable<Bar> {
  stats(): AuxJoinStats;
}

const OptionsSchema = z
  .object({
    policy: z.literal('last'),
    maxStalenessMs: z.number().nonnegative(),
    delayMs: z.number().nonnegative().finite().optional(),
  })
  .strict();

const SeriesLimitsSchema = z.object({
  maxStalenessMs: z.number().nonnegative().optional(),
  delayMs: z.number().nonnegative().finite().optional(),
});

const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Joins auxiliary series into bars by time: `joinAux(spyBars, { vix: vixBars, qqq: qqqBars },
 * { policy: 'last', maxStalenessMs: 4 * DAY })` yields each SPY bar with `aux.vix` / `aux.qqq` set
 * to the last close known at or before the bar's time, or left out (and counted) when there is
 * none yet or it is stale. Every source is read lazily and once, so files of any length stream.
 * Keys already in a bar's `aux` are overwritten by the join.
 */
export function joinAux(
  bars: Iterable<Bar> | AsyncIterable<Bar>,
  series: Readonly<Record<string, AuxSource | AuxSeries>>,
  options: JoinAuxOptions,
): AuxJoin {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) throw optionError(parsed.error.issues[0], 'options');
  const shared = parsed.data;
  const cursors: AuxCursor[] = [];
  for (const [key, spec] of Object.entries(series)) {
    if (!KEY.test(key)) {
      throw new HostError('HOST_INVALID_OPTION', `joinAux: series key ${JSON.stringify(key)} is not a name`, {
        field: 'series',
        value: key,
        hint: 'use a short identifier such as vix or qqq',
      });
    }
    const own = isSeries(spec) ? spec : { source: spec };
    const limits = SeriesLimitsSchema.safeParse({
      maxStalenessMs: own.maxStalenessMs,
      delayMs: own.delayMs,
    });
    if (!limits.success) throw optionError(limits.error.issues[0], `series.${key}`);
    cursors.push(
      new AuxCursor(
        key,
        own.source,
        limits.data.maxStalenessMs ?? shared.maxStalenessMs,
        limits.data.delayMs ?? shared.delayMs ?? 0,
      ),
    );
  }
  const counts = { bars: 0 };
  let used = false;
  return {
    stats(): AuxJoinStats {
      const pick = (f: (c: AuxCursor) => number): Record<string, number> =>
        Object.fromEntries(cursors.map((c) => [c.key, f(c)]));
      return Object.freeze({
        bars: counts.bars,
        joined: pick((c) => c.joined),
        stale: pick((c) => c.stale),
        missing: pick((c) => c.missing),
        skipped: pick((c) => c.skipped),
      });
    },
    async *[Symbol.asyncIterator](): AsyncGenerator<Bar> {
      if (used) throw new HostError('HOST_INVALID_STATE', 'joinAux() result can be iterated once');
      used = true;
      try {
        for await (const bar of bars as AsyncIterable<Bar>) {
          counts.bars++;
          let aux: Record<string, number> | undefined;
          for (const cursor of cursors) {
            const value = await cursor.valueAt(bar.time);
            if (value === undefined) continue;
            aux ??= bar.aux === undefined ? {} : { ...bar.aux };
            aux[cursor.key] = value;
          }
          yield aux === undefined ? bar : immutableBar({ ...bar, aux });
        }
      } finally {
        for (const cursor of cursors) await cursor.close();
      }
    },
  };
}

/** Reads one series just far enough ahead for the bar being joined (one point of lookahead). */
class AuxCursor {
  joined = 0;
  stale = 0;
  missing = 0;
  skipped = 0;
  private iterator: Iterator<unknown> | AsyncIterator<unknown> | undefined;
  private readonly source: AuxSource;
  private lastTime = Number.NEGATIVE_INFINITY;
  private lastValue = Number.NaN;
  private next: AuxPoint | undefined;
  private done = false;

  constructor(
    readonly key: string,
    source: AuxSource,
    private readonly maxStalenessMs: number,
    private readonly delayMs: number,
  ) {
    this.source = source;
  }

  async valueAt(time: number): Promise<number | undefined> {
    for (;;) {
      const next = this.next ?? (await this.pull());
      if (next === undefined || next.time + this.delayMs > time) break;
      this.lastTime = next.time;
      this.lastValue = next.value;
      this.next = undefined;
    }
    if (this.lastTime === Number.NEGATIVE_INFINITY) {
      this.missing++;
      return undefined;
    }
    if (time - this.lastTime > this.maxStalenessMs) {
      this.stale++;
      return undefined;
    }
    this.joined++;
    return this.lastValue;
  }

  private async pull(): Promise<AuxPoint | undefined> {
    if (this.done) return undefined;
    if (this.iterator === undefined) {
      const s = this.source as AsyncIterable<unknown> & Iterable<unknown>;
      this.iterator =
        typeof s[Symbol.asyncIterator] === 'function' ? s[Symbol.asyncIterator]() : s[Symbol.iterator]();
    }
    const previous = this.next?.time ?? this.lastTime;
    for (;;) {
      const step = await this.iterator.next();
      if (step.done === true) {
        this.done = true;
        return undefined;
      }
      const point = toPoint(step.value);
      if (point === undefined || !(point.time > previous)) {
        this.skipped++;
        continue;
      }
      this.next = point;
      return point;
    }
  }

  async close(): Promise<void> {
    if (!this.done) await this.iterator?.return?.();
    this.done = true;
  }
}

function toPoint(value: unknown): AuxPoint | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as { time?: unknown; value?: unknown; close?: unknown };
  const y = v.value ?? v.close;
  if (typeof v.time !== 'number' || !Number.isFinite(v.time)) return undefined;
  if (typeof y !== 'number' || !Number.isFinite(y)) return undefined;
  return { time: v.time, value: y };
}

function isSeries(spec: AuxSource | AuxSeries): spec is AuxSeries {
  return (
    spec !== null &&
    typeof spec === 'object' &&
    'source' in spec &&
    !(Symbol.iterator in spec) &&
    !(Symbol.asyncIterator in spec)
  );
}

function optionError(issue: z.core.$ZodIssue | undefined, root: string): HostError {
  const field = ['joinAux', root, ...(issue?.path ?? []).map(String)].join('.');
  return new HostError('HOST_INVALID_OPTION', `${field}: ${issue?.message ?? 'invalid'}`, {
    field,
    hint: "joinAux(bars, { vix: vixBars }, { policy: 'last', maxStalenessMs, delayMs? })",
  });
}
