import type { ModelForecast } from './model-forecast.js';
import { quantileSorted } from './model-forecast.js';
import { normalQuantile } from './normal-quantile.js';
import { conePinball } from './pinball.js';
import { SortedWindow } from './sorted-window.js';

export interface CalibrationOptions {
  /** Apply the recalibration to the cone (default true); statistics are kept either way. */
  readonly enabled: boolean;
  /** Target p10–p90 coverage (default 0.8). */
  readonly coverage: number;
  /** ACI step size γ (default 0.005, as in Gibbs & Candès 2021). */
  readonly gamma: number;
  /** Recent standardized errors kept per step (default 250). */
  readonly window: number;
  /** Errors a step needs before its band uses their empirical quantiles (default 30). */
  readonly minScores: number;
}

export const DEFAULT_CALIBRATION: CalibrationOptions = {
  enabled: true,
  coverage: 0.8,
  gamma: 0.005,
  window: 250,
  minScores: 30,
};

/** A cone in cumulative log-return space (index `k − 1` for step k). */
export interface LogBands {
  readonly lo: number[];
  readonly mid: number[];
  readonly hi: number[];
}

/** How the forecasts of one step have done, raw (the model's q10/q90) and recalibrated. */
export interface StepScore {
  readonly step: number;
  readonly scored: number;
  readonly coverageRaw: number;
  readonly coverage: number;
  /** Mean p10/p50/p90 pinball loss, in log-return percent. */
  readonly pinballRaw: number;
  readonly pinball: number;
  /** The step's current ACI miscoverage level αₜ. */
  readonly alpha: number;
}

interface Pending {
  origin: number;
  logPrice: number;
  horizon: number;
  center: Float64Array;
  scale: Float64Array;
  rawLo: Float64Array;
  rawMid: Float64Array;
  rawHi: Float64Array;
  lo: Float64Array;
  mid: Float64Array;
  hi: Float64Array;
}

/**
 * Online conformal recalibration of a cone, per step k = 1..horizon, by adaptive conformal
 * inference (Gibbs & Candès 2021). Each issued forecast is remembered until its outcome arrives
 * k bars later; then the standardized error `z = (y − center)/scale` joins a rolling window of
 * recent errors for step k, and the step's level moves by `αₜ₊₁ = αₜ + γ(α − errₜ)` (errₜ = 1 when
 * the outcome fell outside the band issued). The next band is `center + scale · Q_z(αₜ/2)` to
 * `center + scale · Q_z(1 − αₜ/2)`: the empirical quantiles track a volatility break the model's
 * σ is late for, and αₜ corrects what is left, so long-run coverage stays at the target.
 * Pure state in, state out: the same forecasts and outcomes replay to the same bands.
 */
export interface ConeCalibrator {
  readonly horizon: number;
  /** Records a forecast issued at bar `origin` from log close `logPrice`; returns its bands. */
  issue(origin: number, logPrice: number, forecast: ModelForecast): LogBands;
  /** The bands the current state gives a forecast, without recording it. */
  bands(forecast: ModelForecast): LogBands;
  /** Scores every remembered forecast whose step lands on bar `index` (log close `logPrice`). */
  realize(index: number, logPrice: number): void;
  /** Scores of step k (1-based). */
  score(step: number): StepScore;
  reset(): void;
}

export function createConeCalibrator(
  horizon: number,
  options: CalibrationOptions = DEFAULT_CALIBRATION,
): ConeCalibrator {
  const target = 1 - options.coverage;
  const W = options.window;
  const alpha = new Float64Array(horizon);
  const scores = Array.from({ length: horizon }, () => new SortedWindow(W));
  const scored = new Float64Array(horizon);
  const insideRaw = new Float64Array(horizon);
  const inside = new Float64Array(horizon);
  const pinRaw = new Float64Array(horizon);
  const pin = new Float64Array(horizon);
  // Forecasts awaiting outcomes; at most one per origin, and an origin is done `horizon` bars later.
  const pending: (Pending | undefined)[] = new Array(horizon + 1);

  const clear = () => {
    alpha.fill(target);
    for (const w of scores) w.clear();
    scored.fill(0);
    insideRaw.fill(0);
    inside.fill(0);
    pinRaw.fill(0);
    pin.fill(0);
    pending.fill(undefined);
  };
  clear();

  /** Bands of step index k for a forecast, at the step's current state. */
  function band(f: ModelForecast, k: number, out: { lo: number; mid: number; hi: number }): void {
    const c = f.center[k]!;
    const s = f.scale[k]!;
    out.lo = f.q10[k]!;
    out.mid = f.q50[k]!;
    out.hi = f.q90[k]!;
    if (!options.enabled || k >= horizon) return;
    const a = Math.min(1, Math.max(0, alpha[k]!));
    const sorted = scores[k]!.values();
    if (sorted.length >= options.minScores) {
      out.lo = c + s * quantileSorted(sorted, a / 2);
      out.mid = c + s * quantileSorted(sorted, 0.5);
      out.hi = c + s * quantileSorted(sorted, 1 - a / 2);
    } else if (a > 0) {
      // Too few errors yet: the model's own distribution, taken as normal, at the ACI level.
      out.lo = c + s * normalQuantile(a / 2);
      out.hi = c + s * normalQuantile(1 - a / 2);
    }
  }

  function bands(f: ModelForecast): LogBands {
    const out: LogBands = { lo: new Array(f.horizon), mid: new Array(f.horizon), hi: new Array(f.horizon) };
    const b = { lo: 0, mid: 0, hi: 0 };
    for (let k = 0; k < f.horizon; k++) {
      band(f, k, b);
      out.lo[k] = b.lo;
      out.mid[k] = b.mid;
      out.hi[k] = b.hi;
    }
    return out;
  }

  function issue(origin: number, logPrice: number, f: ModelForecast): LogBands {
    const h = Math.min(horizon, f.horizon);
    const slot = origin % (horizon + 1);
    const p: Pending = pending[slot] ?? {
      origin,
      logPrice,
      horizon: h,
      center: new Float64Array(horizon),
      scale: new Float64Array(horizon),
      rawLo: new Float64Array(horizon),
      rawMid: new Float64Array(horizon),
      rawHi: new Float64Array(horizon),
      lo: new Float64Array(horizon),
      mid: new Float64Array(horizon),
      hi: new Float64Array(horizon),
    };
    p.origin = origin;
    p.logPrice = logPrice;
    p.horizon = h;
    pending[slot] = p;
    const out = bands(f);
    for (let k = 0; k < h; k++) {
      p.center[k] = f.center[k]!;
      p.scale[k] = f.scale[k]!;
      p.rawLo[k] = f.q10[k]!;
      p.rawMid[k] = f.q50[k]!;
      p.rawHi[k] = f.q90[k]!;
      p.lo[k] = out.lo[k]!;
      p.mid[k] = out.mid[k]!;
      p.hi[k] = out.hi[k]!;
    }
    return out;
  }

  function realize(index: number, logPrice: number): void {
    for (let k = 1; k <= horizon; k++) {
      const origin = index - k;
      if (origin < 0) break;
      const p = pending[origin % (horizon + 1)];
      if (p === undefined || p.origin !== origin || k > p.horizon) continue;
      const i = k - 1;
      const y = logPrice - p.logPrice;
      scored[i]!++;
      if (y >= p.rawLo[i]! && y <= p.rawHi[i]!) insideRaw[i]!++;
      const covered = y >= p.lo[i]! && y <= p.hi[i]!;
      if (covered) inside[i]!++;
      pinRaw[i]! += 100 * conePinball(y, p.rawLo[i]!, p.rawMid[i]!, p.rawHi[i]!);
      pin[i]! += 100 * conePinball(y, p.lo[i]!, p.mid[i]!, p.hi[i]!);
      alpha[i]! += options.gamma * (target - (covered ? 0 : 1));
      const z = (y - p.center[i]!) / p.scale[i]!;
      scores[i]!.push(z);
    }
  }

  function score(step: number): StepScore {
    const i = step - 1;
    const n = scored[i] ?? 0;
    const ratio = (x: number) => (n === 0 ? 0 : x / n);
    return {
      step,
      scored: n,
      coverageRaw: ratio(insideRaw[i] ?? 0),
      coverage: ratio(inside[i] ?? 0),
      pinballRaw: ratio(pinRaw[i] ?? 0),
      pinball: ratio(pin[i] ?? 0),
      alpha: alpha[i] ?? target,
    };
  }

  return { horizon, issue, bands, realize, score, reset: clear };
}
