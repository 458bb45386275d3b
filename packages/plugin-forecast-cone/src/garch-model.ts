import { degenerate } from './ewma-model.js';
import { type ModelForecast, normalForecast } from './model-forecast.js';
import { nelderMead } from './nelder-mead.js';
import { normalQuantile } from './normal-quantile.js';

/** GARCH(1,1) parameters of zero-mean log returns: `σ²ₜ₊₁ = ω + α·rₜ² + β·σ²ₜ`. */
export interface GarchParams {
  readonly omega: number;
  readonly alpha: number;
  readonly beta: number;
}

export interface GarchFit extends GarchParams {
  /** Gaussian log-likelihood at the optimum. */
  readonly logLikelihood: number;
  readonly iterations: number;
  readonly converged: boolean;
}

export interface GarchFitOptions {
  /** Nelder–Mead iteration cap per start (default 400). */
  readonly maxIterations?: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** Mean square of the returns: the unconditional variance estimate that starts the filter. */
function meanSquare(returns: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < returns.length; i++) s += returns[i]! * returns[i]!;
  return s / returns.length;
}

/**
 * Runs the GARCH(1,1) variance filter over `returns` from `σ²₀ = mean(r²)` and returns the
 * conditional variance of the NEXT return, `σ²ₙ` after the last one. Also accumulates the Gaussian
 * log-likelihood `−½ Σ (ln 2π + ln σ²ₜ + rₜ²/σ²ₜ)` when `withLikelihood` is set.
 */
export function garchFilter(
  returns: ArrayLike<number>,
  p: GarchParams,
  withLikelihood = false,
): { nextVariance: number; logLikelihood: number } {
  let s2 = meanSquare(returns);
  let ll = 0;
  for (let t = 0; t < returns.length; t++) {
    const r2 = returns[t]! * returns[t]!;
    if (withLikelihood) ll -= 0.5 * (LOG_2PI + Math.log(s2) + r2 / s2);
    s2 = p.omega + p.alpha * r2 + p.beta * s2;
  }
  return { nextVariance: s2, logLikelihood: withLikelihood ? ll : Number.NaN };
}

/** Gaussian log-likelihood of the returns under `p` (the objective the fit maximizes). */
export function garchLogLikelihood(returns: ArrayLike<number>, p: GarchParams): number {
  return garchFilter(returns, p, true).logLikelihood;
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

/**
 * Maps an unconstrained θ ∈ ℝ³ onto the stationary region: `ω = exp(θ₀)·v` (v the sample
 * variance, so the search is scale-free), persistence `α+β = logistic(θ₁) < 1` and the α share
 * `logistic(θ₂)`, so `ω > 0, α ≥ 0, β ≥ 0, α + β < 1` hold for every θ the optimizer tries.
 */
export function garchFromTheta(theta: ArrayLike<number>, variance: number): GarchParams {
  const persistence = logistic(theta[1]!);
  const share = logistic(theta[2]!);
  return {
    omega: Math.exp(theta[0]!) * variance,
    alpha: persistence * share,
    beta: persistence * (1 - share),
  };
}

/**
 * Fits GARCH(1,1) by maximum likelihood: Nelder–Mead over the constrained reparameterization
 * {@link garchFromTheta}, from RiskMetrics-like starting values (α 0.05, β 0.90, ω at the sample
 * variance's 5%), restarted once from its own optimum, as is usual for a simplex search, so a
 * collapsed simplex does not stop it early.
 */
export function fitGarch(returns: ArrayLike<number>, options: GarchFitOptions = {}): GarchFit {
  const v = meanSquare(returns);
  if (!(v > 0)) throw degenerate();
  const objective = (theta: Float64Array) => -garchLogLikelihood(returns, garchFromTheta(theta, v));
  const start = [Math.log(0.05), logit(0.95), logit(0.05 / 0.95)];
  const maxIterations = options.maxIterations ?? 400;
  const first = nelderMead(objective, start, { maxIterations, step: 0.5 });
  const second = nelderMead(objective, first.x, { maxIterations, step: 0.1 });
  const best = second.value <= first.value ? second : first;
  return {
    ...garchFromTheta(best.x, v),
    logLikelihood: -best.value,
    iterations: first.iterations + second.iterations,
    converged: second.converged,
  };
}

/**
 * Variance of the cumulative log return over steps 1..horizon: with `σ²₁` the next-return
 * variance and `V = ω/(1−α−β)`, `E[σ²ₖ] = V + (α+β)^{k−1}(σ²₁ − V)` (the closed-form GARCH(1,1)
 * recursion), summed over k since returns are conditionally uncorrelated.
 */
export function garchCumulativeVariance(nextVariance: number, p: GarchParams, horizon: number): Float64Array {
  const persistence = p.alpha + p.beta;
  const longRun = p.omega / (1 - persistence);
  const out = new Float64Array(horizon);
  let decay = 1;
  let sum = 0;
  for (let k = 0; k < horizon; k++) {
    sum += longRun + decay * (nextVariance - longRun);
    out[k] = sum;
    decay *= persistence;
  }
  return out;
}

const Z10 = normalQuantile(0.1);
const Z90 = normalQuantile(0.9);

/** GARCH(1,1) lognormal cone with given parameters: normal quantiles of the cumulative variance. */
export function garchForecast(returns: ArrayLike<number>, p: GarchParams, horizon: number): ModelForecast {
  if (!(meanSquare(returns) > 0)) throw degenerate();
  const { nextVariance } = garchFilter(returns, p);
  return normalForecast('garch', garchCumulativeVariance(nextVariance, p, horizon), horizon, Z10, Z90);
}
