/**
 * Pinball (quantile) loss of quantile forecast `q` at level `tau` for outcome `y`:
 * `τ·(y − q)` when `y ≥ q`, else `(1 − τ)·(q − y)`. Its expectation is minimized by the true
 * τ-quantile, so a lower average means sharper, still-honest quantiles.
 */
export function pinballLoss(y: number, q: number, tau: number): number {
  const d = y - q;
  return d >= 0 ? tau * d : (tau - 1) * d;
}

/** Mean pinball loss of a p10/p50/p90 triple for one outcome. */
export function conePinball(y: number, q10: number, q50: number, q90: number): number {
  return (pinballLoss(y, q10, 0.1) + pinballLoss(y, q50, 0.5) + pinballLoss(y, q90, 0.9)) / 3;
}
