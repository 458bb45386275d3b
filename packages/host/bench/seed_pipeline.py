"""The seed-style Python pipeline the host is compared with: for every bar a pandas DataFrame of
the last WINDOW bars is built, and each of the 8 ATR-burst sensors computes on it (the same math
and reading as bench/atr-idioms.ts). Prints one JSON line: {"bars": n, "seconds": s, "active": k}.

Usage: python3 seed_pipeline.py SPY_5m.csv [bars]
"""

import csv
import json
import sys
import time

import pandas as pd

WINDOW = 64
MULTIPLE = 1.5
PERIODS = [14 + k for k in range(8)]


def read_columns(path):
    cols = {"open": [], "high": [], "low": [], "close": [], "volume": []}
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        for row in reader:
            lower = {k.strip().lower(): v for k, v in row.items() if k is not None}
            for name in cols:
                cols[name].append(float(lower[name]))
    return cols


def sensor(df, period):
    high, low, close = df["high"], df["low"], df["close"]
    prev = close.shift(1)
    tr = pd.concat([high - low, (high - prev).abs(), (low - prev).abs()], axis=1).max(axis=1)
    atr = float(tr.iloc[-1 - period : -1].mean())
    last = df.iloc[-1]
    body = abs(float(last["close"]) - float(last["open"]))
    ratio = body / atr if atr > 0 else 0.0
    active = ratio > MULTIPLE
    return {
        "active": active,
        "score": min(1.0, ratio / (2 * MULTIPLE)),
        "status": "burst" if active else "calm",
        "atr": atr,
        "ratio": ratio,
    }


def main():
    cols = read_columns(sys.argv[1])
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    n = len(cols["close"])
    first = WINDOW - 1
    last = min(n, first + limit)
    active = 0
    t0 = time.perf_counter()
    for i in range(first, last):
        lo = i - WINDOW + 1
        df = pd.DataFrame({name: values[lo : i + 1] for name, values in cols.items()})
        readings = [sensor(df, p) for p in PERIODS]
        if readings[0]["active"]:
            active += 1
    seconds = time.perf_counter() - t0
    print(json.dumps({"bars": last - first, "seconds": seconds, "active": active}))


if __name__ == "__main__":
    main()
