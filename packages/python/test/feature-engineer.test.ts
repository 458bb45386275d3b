import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { SHIMS_DIR } from '../src/runtime-paths.ts';
import { describeWithPandas, pandasPython } from './support/python.ts';

// Independent textbook definitions, written out here rather than taken from the Python module.
function simpleReturns(p: number[]): number[] {
  return p.map((x, i) => (i === 0 ? Number.NaN : x / (p[i - 1] as number) - 1));
}
function rollingSampleStd(xs: number[], w: number): number[] {
  return xs.map((_, i) => {
    if (i < w - 1) return Number.NaN;
    const win = xs.slice(i - w + 1, i + 1);
    if (win.some(Number.isNaN)) return Number.NaN;
    const m = win.reduce((a, b) => a + b, 0) / w;
    return Math.sqrt(win.reduce((a, b) => a + (b - m) ** 2, 0) / (w - 1));
  });
}
/** Wilder (1978): first average = SMA of the first `n` gains/losses, then (prev*(n-1)+x)/n. */
function wilderRsi(p: number[], n: number): number[] {
  const out = p.map(() => Number.NaN);
  let g = 0;
  let l = 0;
  for (let i = 1; i < p.length; i++) {
    const d = (p[i] as number) - (p[i - 1] as number);
    const gain = Math.max(d, 0);
    const loss = Math.max(-d, 0);
    if (i <= n) {
      g += gain / n;
      l += loss / n;
      if (i < n) continue;
    } else {
      g = (g * (n - 1) + gain) / n;
      l = (l * (n - 1) + loss) / n;
    }
    out[i] = l === 0 ? (g > 0 ? 100 : 50) : 100 - 100 / (1 + g / l);
  }
  return out;
}
function wilderAtr(h: number[], lo: number[], c: number[], n: number): number[] {
  const tr = h.map((x, i) =>
    i === 0
      ? x - (lo[i] as number)
      : Math.max(
          x - (lo[i] as number),
          Math.abs(x - (c[i - 1] as number)),
          Math.abs((lo[i] as number) - (c[i - 1] as number)),
        ),
  );
  const out = tr.map(() => Number.NaN);
  let atr = 0;
  for (let i = 0; i < tr.length; i++) {
    if (i < n) {
      atr += (tr[i] as number) / n;
      if (i === n - 1) out[i] = atr;
    } else {
      atr = (atr * (n - 1) + (tr[i] as number)) / n;
      out[i] = atr;
    }
  }
  return out;
}

const SCRIPT = `
import json, sys
import pandas as pd
sys.path.append(sys.argv[1])
from optifire.fe.engineering import FeatureEngineer
d = json.loads(sys.stdin.read())
fe = FeatureEngineer()
close = pd.Series(d["close"]); high = pd.Series(d["high"]); low = pd.Series(d["low"])
r = fe.calculate_returns(close)
out = {
  "returns": r.tolist(),
  "vol": fe.calculate_volatility(r, window=5).tolist(),
  "vol_raw": fe.calculate_volatility(r, window=5, annualize=False).tolist(),
  "rsi": fe.calculate_rsi(close, period=4).tolist(),
  "atr": fe.calculate_atr(high, low, close, period=4).tolist(),
}
print(json.dumps(out).replace("NaN", "null"))
`;

const near = (a: (number | null)[], b: number[]): void => {
  expect(a).toHaveLength(b.length);
  b.forEach((x, i) => {
    const y = a[i];
    if (Number.isNaN(x)) expect(y).toBeNull();
    else expect(Math.abs((y as number) - x)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(x)));
  });
};

describeWithPandas('optifire.fe.engineering.FeatureEngineer', () => {
  it('computes returns, volatility, RSI and ATR by their textbook definitions', () => {
    const python = pandasPython();
    const series = fc.sample(
      fc.array(
        fc.record({
          close: fc.double({ min: 10, max: 500, noNaN: true }),
          range: fc.double({ min: 0.01, max: 5, noNaN: true }),
        }),
        {
          minLength: 12,
          maxLength: 40,
        },
      ),
      { numRuns: 8, seed: 42 },
    );
    // One worked series with known values too: a rise then a fall.
    series.push(
      [100, 102, 101, 105, 107, 104, 103, 108, 110, 109, 111, 115].map((close) => ({ close, range: 1.5 })),
    );
    for (const rows of series) {
      const close = rows.map((r) => r.close);
      const high = rows.map((r) => r.close + r.range / 2);
      const low = rows.map((r) => r.close - r.range / 2);
      const out = spawnSync(python, ['-c', SCRIPT, SHIMS_DIR], {
        input: JSON.stringify({ close, high, low }),
        encoding: 'utf8',
      });
      expect(out.stderr).toBe('');
      const got = JSON.parse(out.stdout) as Record<string, (number | null)[]>;
      const r = simpleReturns(close);
      near(got.returns as (number | null)[], r);
      near(got.vol_raw as (number | null)[], rollingSampleStd(r, 5));
      near(
        got.vol as (number | null)[],
        rollingSampleStd(r, 5).map((v) => v * Math.sqrt(252)),
      );
      near(got.rsi as (number | null)[], wilderRsi(close, 4));
      near(got.atr as (number | null)[], wilderAtr(high, low, close, 4));
    }
  }, 120_000);

  it('matches a hand-computed RSI(2) on a short series', () => {
    const python = pandasPython();
    const script = `
import sys; sys.path.append(sys.argv[1])
import pandas as pd
from optifire.fe.engineering import FeatureEngineer
print(FeatureEngineer().calculate_rsi(pd.Series([10.0, 11.0, 10.5, 11.5]), period=2).tolist()[2:])`;
    const out = spawnSync(python, ['-c', script, SHIMS_DIR], { encoding: 'utf8' });
    // gains 1, 0, 1; losses 0, .5, 0. avg after 2: g=.5 l=.25 -> RS 2 -> 66.67; then g=(.5+1)/2=.75 l=.125 -> RS 6 -> 85.71
    const [a, b] = JSON.parse(out.stdout.trim()) as number[];
    expect(a).toBeCloseTo(200 / 3, 10);
    expect(b).toBeCloseTo(600 / 7, 10);
  });
});
