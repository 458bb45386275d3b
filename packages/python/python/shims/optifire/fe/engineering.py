"""``FeatureEngineer``: textbook feature formulas over pandas Series.

- returns: simple returns ``p[t] / p[t-1] - 1`` (log returns with ``log=True``);
- volatility: rolling sample standard deviation (ddof 1) of returns, annualised by sqrt(252);
- RSI and ATR: J. Welles Wilder's definitions (1978): the first average is the simple mean of the
  first ``period`` values, then ``avg = (prev * (period - 1) + x) / period``.
"""

import math


class FeatureEngineer:
    def __init__(self, periods_per_year=252):
        self.periods_per_year = periods_per_year

    def calculate_returns(self, prices, log=False):
        import numpy as np

        if log:
            return np.log(prices / prices.shift(1))
        return prices / prices.shift(1) - 1.0

    def calculate_volatility(self, returns, window=20, annualize=True):
        vol = returns.rolling(window).std(ddof=1)
        return vol * math.sqrt(self.periods_per_year) if annualize else vol

    def calculate_rsi(self, series, period=14):
        import pandas as pd

        values = [float(v) for v in series]
        out = [float("nan")] * len(values)
        if len(values) > period:
            gains = [max(values[i] - values[i - 1], 0.0) for i in range(1, len(values))]
            losses = [max(values[i - 1] - values[i], 0.0) for i in range(1, len(values))]
            avg_gain = sum(gains[:period]) / period
            avg_loss = sum(losses[:period]) / period
            out[period] = _rsi(avg_gain, avg_loss)
            for i in range(period + 1, len(values)):
                avg_gain = (avg_gain * (period - 1) + gains[i - 1]) / period
                avg_loss = (avg_loss * (period - 1) + losses[i - 1]) / period
                out[i] = _rsi(avg_gain, avg_loss)
        return pd.Series(out, index=series.index, name="rsi")

    def calculate_atr(self, high, low, close, period=14):
        import pandas as pd

        h = [float(v) for v in high]
        lo = [float(v) for v in low]
        c = [float(v) for v in close]
        tr = []
        for i in range(len(h)):
            if i == 0:
                tr.append(h[i] - lo[i])
            else:
                tr.append(max(h[i] - lo[i], abs(h[i] - c[i - 1]), abs(lo[i] - c[i - 1])))
        out = [float("nan")] * len(tr)
        if len(tr) >= period:
            atr = sum(tr[:period]) / period
            out[period - 1] = atr
            for i in range(period, len(tr)):
                atr = (atr * (period - 1) + tr[i]) / period
                out[i] = atr
        return pd.Series(out, index=high.index, name="atr")


def _rsi(avg_gain, avg_loss):
    if avg_loss == 0.0:
        return 100.0 if avg_gain > 0.0 else 50.0
    rs = avg_gain / avg_loss
    return 100.0 - 100.0 / (1.0 + rs)
