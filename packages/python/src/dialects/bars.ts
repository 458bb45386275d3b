import type { HostContext } from '@keel/contract';

export interface BarColumns {
  time: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
}

/**
 * `DataFeed().get_bars(symbol, limit)`: the host's newest bars of that series through `ctx.market`,
 * which never returns a bar after the bar being processed nor, in a scheduled run, after its due
 * time. A host whose bars carry no symbol has one unnamed series, which answers for any symbol.
 */
export function readBars(ctx: HostContext, p: Record<string, unknown>): BarColumns {
  const market = ctx.market;
  const limit = Math.max(1, Math.min(1_000_000, Math.floor(Number(p.limit) || 100)));
  const symbol = typeof p.symbol === 'string' && p.symbol !== '' ? p.symbol : undefined;
  let bars = market.bars(limit, symbol === undefined ? {} : { symbol });
  if (bars.length === 0 && symbol !== undefined && market.symbols().length === 0) bars = market.bars(limit);
  return {
    time: Array.from(bars.time),
    open: Array.from(bars.open),
    high: Array.from(bars.high),
    low: Array.from(bars.low),
    close: Array.from(bars.close),
    volume: Array.from(bars.volume),
  };
}
