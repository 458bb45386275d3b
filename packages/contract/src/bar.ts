import { z } from 'zod';

/** One OHLCV bar. `time` is the bar's epoch milliseconds in UTC. */
export interface Bar {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly symbol?: string;
  /** Extra numeric series aligned with the bar, e.g. `{ vix: 17.2 }`. */
  readonly aux?: Readonly<Record<string, number>>;
}

const finite = z.number().finite();

/** zod schema for a bar at a boundary (files, HTTP). The per-bar hot path uses {@link validateBar}. */
export const BarSchema = z
  .object({
    time: z.number().int().nonnegative(),
    open: finite,
    high: finite,
    low: finite,
    close: finite,
    volume: finite.nonnegative(),
    symbol: z.string().min(1).optional(),
    aux: z.record(z.string(), finite).optional(),
  })
  .superRefine((bar, ctx) => {
    const issue = checkOhlc(bar);
    if (issue) ctx.addIssue({ code: 'custom', path: [issue.field], message: issue.message });
  });

export type BarRejectReason = 'non_finite' | 'ohlc_inconsistent' | 'negative_volume' | 'bad_time';

export type BarCheck =
  | { ok: true }
  | { ok: false; reason: BarRejectReason; field: string; value: unknown; message: string };

const OK: BarCheck = Object.freeze({ ok: true });
const PRICE_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Hot-path bar check: every price and the volume finite, `low <= min(open, close)`,
 * `high >= max(open, close)`, `volume >= 0`, `time` a finite non-negative epoch-ms integer,
 * `aux` values finite. Allocates nothing when the bar is valid.
 */
export function validateBar(bar: Bar): BarCheck {
  if (bar === null || typeof bar !== 'object') {
    return { ok: false, reason: 'bad_time', field: 'bar', value: bar, message: 'bar is not an object' };
  }
  const t = bar.time;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 0) {
    return {
      ok: false,
      reason: 'bad_time',
      field: 'time',
      value: t,
      message: `time is not epoch ms: ${String(t)}`,
    };
  }
  for (const f of PRICE_FIELDS) {
    const v = bar[f];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      return {
        ok: false,
        reason: 'non_finite',
        field: f,
        value: v,
        message: `${f} is not a finite number: ${String(v)}`,
      };
    }
  }
  if (bar.volume < 0) {
    return {
      ok: false,
      reason: 'negative_volume',
      field: 'volume',
      value: bar.volume,
      message: `volume is negative: ${bar.volume}`,
    };
  }
  const ohlc = checkOhlc(bar);
  if (ohlc)
    return {
      ok: false,
      reason: 'ohlc_inconsistent',
      field: ohlc.field,
      value: bar[ohlc.field],
      message: ohlc.message,
    };
  const aux = bar.aux;
  if (aux !== undefined) {
    for (const key in aux) {
      const v = aux[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        return {
          ok: false,
          reason: 'non_finite',
          field: `aux.${key}`,
          value: v,
          message: `aux.${key} is not a finite number: ${String(v)}`,
        };
      }
    }
  }
  return OK;
}

function checkOhlc(bar: {
  open: number;
  high: number;
  low: number;
  close: number;
}): { field: 'low' | 'high'; message: string } | undefined {
  if (bar.low > bar.open || bar.low > bar.close) {
    return { field: 'low', message: `low ${bar.low} is above min(open ${bar.open}, close ${bar.close})` };
  }
  if (bar.high < bar.open || bar.high < bar.close) {
    return { field: 'high', message: `high ${bar.high} is below max(open ${bar.open}, close ${bar.close})` };
  }
  return undefined;
}
