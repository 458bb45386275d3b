import type { Bar } from '@keel/contract';
import type { ExchangeCalendar } from '@keel/calendar';
import { mulberry32 } from '@keel/host';

const FIVE_MINUTES = 5 * 60_000;

export interface SampleBarsOptions {
  calendar: ExchangeCalendar;
  /** Trading sessions to generate, ending with the last session that started before `end`. */
  sessions: number;
  end: number;
  symbol: string;
  seed: number;
}

/**
 * The embedded sample data: deterministic 5-minute bars on real NYSE sessions (holidays and 13:00
 * early closes included), a random walk with volatility bursts so sensors have something to find.
 * Generated, not shipped, so the app needs no data files and the same seed gives the same bars.
 */
export function* sampleBars(options: SampleBarsOptions): Generator<Bar> {
  const { calendar, sessions, symbol } = options;
  const opens: number[] = [];
  let t = options.end;
  while (opens.length < sessions) {
    const session = calendar.sessionAt(calendar.previousOpen(t));
    if (session === null) break;
    opens.unshift(session.open);
    t = session.open - 1;
  }
  const random = mulberry32(options.seed);
  let price = 450;
  let regime = 1;
  for (const open of opens) {
    const session = calendar.sessionAt(open);
    if (session === null) continue;
    for (let time = session.open; time < session.close; time += FIVE_MINUTES) {
      if (random() < 0.01) regime = regime === 1 ? 3.5 : 1;
      const sigma = 0.0009 * regime;
      const ret = (random() + random() + random() - 1.5) * 2 * sigma;
      const openPrice = price;
      const close = Math.max(1, price * (1 + ret));
      const wick = price * sigma * random();
      const high = Math.max(openPrice, close) + wick;
      const low = Math.max(0.5, Math.min(openPrice, close) - price * sigma * random());
      const volume = Math.round(200_000 + 800_000 * random() * regime);
      yield {
        time,
        open: round(openPrice),
        high: round(high),
        low: round(low),
        close: round(close),
        volume,
        symbol,
      };
      price = close;
    }
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
