/**
 * A constant-velocity ("local linear trend") Kalman filter, unrolled for its 2×2 state so a step
 * allocates nothing.
 *
 * State `x = [level, slope]`, transition `F = [[1, 1], [0, 1]]`, observation `H = [1, 0]`.
 * Process noise is the discrete white-noise-acceleration model: a random acceleration `a ~ N(0, σa²)`
 * per step moves the level by `a/2` and the slope by `a`, so `Q = σa² [[1/4, 1/2], [1/2, 1]]`.
 * Observation noise `R = σr²`.
 */
export interface KalmanTrendParams {
  /** σa: standard deviation of the per-step acceleration. */
  readonly accelerationStd: number;
  /** σr: standard deviation of the observation noise. */
  readonly observationStd: number;
  /** Prior standard deviation of the slope on the first observation. */
  readonly initialSlopeStd: number;
}

/** What one update produced. */
export interface KalmanStep {
  /** `z − H x⁻`: observation minus the predicted level. */
  readonly innovation: number;
  /** `S = H P⁻ Hᵀ + R`, the innovation variance. */
  readonly innovationVariance: number;
  /** `innovation / √S`: N(0, 1) when the model holds. */
  readonly standardized: number;
  readonly gainLevel: number;
  readonly gainSlope: number;
}

export interface LocalLinearTrend {
  readonly initialized: boolean;
  readonly level: number;
  readonly slope: number;
  /** Posterior covariance entries `P = [[pLL, pLS], [pLS, pSS]]`. */
  readonly pLL: number;
  readonly pLS: number;
  readonly pSS: number;
  /** Feeds one observation; the first only initializes the state and returns `undefined`. */
  update(z: number): KalmanStep | undefined;
  reset(): void;
}

export function createLocalLinearTrend(params: KalmanTrendParams): LocalLinearTrend {
  const q = params.accelerationStd ** 2;
  const r = params.observationStd ** 2;
  const slopePrior = params.initialSlopeStd ** 2;
  const filter = {
    initialized: false,
    level: 0,
    slope: 0,
    pLL: 0,
    pLS: 0,
    pSS: 0,
    update(z: number): KalmanStep | undefined {
      if (!filter.initialized) {
        // The first observation fixes the level to within the observation noise; the slope is unknown.
        filter.initialized = true;
        filter.level = z;
        filter.slope = 0;
        filter.pLL = r;
        filter.pLS = 0;
        filter.pSS = slopePrior;
        return undefined;
      }
      const { pLL: a, pLS: b, pSS: d } = filter;
      // Predict: x⁻ = F x, P⁻ = F P Fᵀ + Q.
      const level = filter.level + filter.slope;
      const slope = filter.slope;
      const mLL = a + 2 * b + d + q / 4;
      const mLS = b + d + q / 2;
      const mSS = d + q;
      // Update with the scalar observation.
      const s = mLL + r;
      const kL = mLL / s;
      const kS = mLS / s;
      const innovation = z - level;
      filter.level = level + kL * innovation;
      filter.slope = slope + kS * innovation;
      // P = (I − K H) P⁻, which stays symmetric for this H.
      filter.pLL = (1 - kL) * mLL;
      filter.pLS = (1 - kL) * mLS;
      filter.pSS = mSS - kS * mLS;
      return {
        innovation,
        innovationVariance: s,
        standardized: innovation / Math.sqrt(s),
        gainLevel: kL,
        gainSlope: kS,
      };
    },
    reset() {
      filter.initialized = false;
      filter.level = filter.slope = filter.pLL = filter.pLS = filter.pSS = 0;
    },
  };
  return filter;
}
