"""``DataFeed().get_bars(symbol, limit)``: the Keel host's most recent bars as a pandas DataFrame.

In a replay the host answers with bars up to the job's due time (never a later bar), so a job sees
exactly what it would have seen live.
"""

from keel_runtime import bridge


class DataFeed:
    def __init__(self, *args, **kwargs):
        pass

    async def get_bars(self, symbol, limit=100, timeframe=None):
        import pandas as pd

        cols = bridge.host_call("bars", {"symbol": str(symbol), "limit": int(limit)})
        index = pd.to_datetime(cols["time"], unit="ms", utc=True)
        index.name = "timestamp"
        frame = pd.DataFrame(
            {k: cols[k] for k in ("open", "high", "low", "close", "volume")},
            index=index,
            dtype="float64",
        )
        return frame
