import { readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { type Bar, definePlugin, validateBar } from '@keel/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeWithSharedData, sharedDataDir, sharedDataPath } from '../../../test-support/shared-data.js';
import { type CsvBarsOptions, type CsvReadSummary, readCsvBars } from './csv-bars.js';
import type { CsvRejectedRow } from './csv-row-policy.js';
import { CsvBarError } from './errors.js';
import { createHost } from './host.js';
import { joinAux } from './join-aux.js';
import { createLogger } from './logger.js';

async function read(
  text: string,
  options?: CsvBarsOptions,
): Promise<{ bars: Bar[]; summary: CsvReadSummary }> {
  const reader = readCsvBars(Readable.from([text]), options);
  const bars: Bar[] = [];
  for await (const bar of reader) bars.push(bar);
  return { bars, summary: reader.summary() };
}

async function failure(text: string, options?: CsvBarsOptions): Promise<CsvBarError> {
  try {
    await read(text, options);
  } catch (error) {
    if (error instanceof CsvBarError) return error;
    throw error;
  }
  throw new Error('expected a CsvBarError');
}

const T = Date.UTC(2024, 2, 11, 13, 30);
const FIVE = 5 * 60_000;

describe('column detection', () => {
  it('finds columns in any case and order, ignoring spaces, `_` and `<>`; Adj Close is not the close', async () => {
    const { bars, summary } = await read(
      'Adj Close,CLOSE,High,Timestamp,low,Open,Volume\n9,10.5,11,2024-03-11T13:30:00Z,9.5,10,100\n',
    );
    expect(bars).toEqual([{ time: T, open: 10, high: 11, low: 9.5, close: 10.5, volume: 100 }]);
    expect(summary.layout?.columns).toEqual({
      time: 'Timestamp',
      open: 'Open',
      high: 'High',
      low: 'low',
      close: 'CLOSE',
      volume: 'Volume',
    });
    const adjusted = await read('Date,Open,High,Low,Close,Adj Close\n2024-03-11,10,11,9,10.5,9.9\n', {
      columns: { close: 'Adj Close' },
    });
    expect(adjusted.bars[0]?.close).toBe(9.9);
  });

  it('reads a close-only series (Date,PX_LAST) as bars with open = high = low = close and volume 0', async () => {
    const { bars, summary } = await read('Date,PX_LAST\n1999-12-31,24.64\n2000-01-03,24.21\n');
    expect(bars).toEqual([
      { time: Date.UTC(1999, 11, 31), open: 24.64, high: 24.64, low: 24.64, close: 24.64, volume: 0 },
      { time: Date.UTC(2000, 0, 3), open: 24.21, high: 24.21, low: 24.21, close: 24.21, volume: 0 },
    ]);
    expect(summary.layout).toMatchObject({ closeOnly: true, header: true, timeFormat: 'date' });
    for (const bar of bars) expect(validateBar(bar).ok).toBe(true);
  });

  it('reads an MT5 export: tab-separated, <DATE> and <TIME> columns, naive times in the given zone', async () => {
    const text =
      '<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>\n' +
      '2024.03.11\t15:30:00\t1.0940\t1.0950\t1.0930\t1.0945\t120\t0\t2\n';
    const { bars, summary } = await read(text, { timeZone: 'Europe/Athens' });
    // Athens is UTC+2 in March before the EU change on the 31st.
    expect(bars[0]).toMatchObject({ time: T, open: 1.094, close: 1.0945, volume: 0 });
    const ticks = await read(text, { timeZone: 'Europe/Athens', columns: { volume: '<TICKVOL>' } });
    expect(ticks.bars[0]?.volume).toBe(120);
    expect(summary.layout).toMatchObject({
      delimiter: '\t',
      columns: { time: '<DATE>', clock: '<TIME>', volume: '<VOL>' },
    });
  });

  it('reads headerless MT4 files (yyyy.mm.dd,HH:MM,o,h,l,c,v) and refuses their naive times without a zone', async () => {
    const text = '2024.03.11,15:30,1.1,1.2,1.0,1.15,10\n2024.03.11,15:35,1.15,1.2,1.1,1.12,11\n';
    const { bars, summary } = await read(text, { timeZone: 'Etc/GMT-2' });
    expect(bars.map((b) => b.time)).toEqual([T, T + FIVE]);
    expect(bars[1]).toMatchObject({ open: 1.15, high: 1.2, low: 1.1, close: 1.12, volume: 11 });
    expect(summary.layout).toMatchObject({ header: false, closeOnly: false });
    const error = await failure(text);
    expect(error).toMatchObject({ line: 1, column: 'column 1', code: 'HOST_CSV_INVALID' });
    expect(error.message).toContain('has no UTC offset and no timeZone was given');
    expect(error.hint).toContain('timeZone');
  });

  it('takes unix seconds or milliseconds by magnitude, and naive ISO times in a zone across DST', async () => {
    const s = await read(`time,open,high,low,close\n${T / 1000},1,2,0.5,1.5\n`);
    const ms = await read(`time,open,high,low,close\n${T},1,2,0.5,1.5\n`);
    expect(s.bars[0]?.time).toBe(T);
    expect(ms.bars[0]?.time).toBe(T);
    expect([s.summary.layout?.timeFormat, ms.summary.layout?.timeFormat]).toEqual(['unix-s', 'unix-ms']);
    const ny = await read(
      'Datetime,Open,High,Low,Close\n2024-01-02 09:30:00,1,1,1,1\n2024-03-11 09:30:00,1,1,1,1\n',
      {
        timeZone: 'America/New_York',
      },
    );
    expect(ny.bars.map((b) => b.time)).toEqual([Date.UTC(2024, 0, 2, 14, 30), T]);
  });

  it('validates options at the boundary', () => {
    expect(() => readCsvBars(Readable.from(['']), { timeZone: 'Mars/Olympus' })).toThrow(/not an IANA zone/);
    expect(() => readCsvBars(Readable.from(['']), { onBadRow: 'ignore' as 'skip' })).toThrow(/onBadRow/);
  });
});

describe('bad rows', () => {
  const text = [
    'date,open,high,low,close,volume',
    '2024-03-11 13:30:00Z,1,2,0.5,1.5,10',
    '2024-03-11 13:35:00Z,1,2,,1.5,10',
    'yesterday,1,2,0.5,1.5,10',
    '2024-03-11 13:40:00Z,1,2',
    '2024-03-11 13:40:00Z,1,2,0.5,1.5,10',
    '2024-03-11 13:40:00Z,1,2,0.5,1.5,10',
    '"2024-03-11 13:45:00Z,1,2,0.5,1.5,10',
    '2024-03-11 13:50:00Z,1,2,0.5,1.5,ten thousand and more, far more than sixty-four characters long',
    '2024-03-11 13:55:00Z,1,2,0.5,1.5,10',
  ].join('\n');

  it('skip: counts each bad row by reason and line, with only the offending cell', async () => {
    const seen: CsvRejectedRow[] = [];
    const { bars, summary } = await read(text, { onBadRow: 'skip', onRejectedRow: (row) => seen.push(row) });
    expect(bars.map((b) => new Date(b.time).toISOString().slice(11, 16))).toEqual([
      '13:30',
      '13:40',
      '13:55',
    ]);
    expect(summary.rejected).toEqual({
      total: 6,
      byReason: {
        malformed: 1,
        missing_cells: 1,
        bad_number: 2,
        bad_time: 1,
        time_not_increasing: 1,
        time_jump: 0,
      },
    });
    expect(summary.rejectedRows.map((r) => [r.line, r.reason, r.column, r.value])).toEqual([
      [3, 'bad_number', 'low', ''],
      [4, 'bad_time', 'date', 'yesterday'],
      [5, 'missing_cells', 'low', ''],
      [7, 'time_not_increasing', 'date', '2024-03-11 13:40:00Z'],
      [8, 'malformed', 'cell 1', ''],
      [9, 'bad_number', 'volume', 'ten thousand and more'],
    ]);
    expect([...seen].sort((a, b) => a.line - b.line)).toEqual(summary.rejectedRows);
    expect(summary).toMatchObject({ lines: 10, rows: 9, bars: 3 });
  });

  it('a replay of a file with bad cells goes on, each bad row counted by reason', async () => {
    const reader = readCsvBars(Readable.from([text]), { onBadRow: 'skip', symbol: 'SPY' });
    const host = createHost({
      cache: { memory: true },
      services: { logger: createLogger({ level: 'silent' }) },
    });
    const summary = await host.replay(reader);
    expect(summary).toMatchObject({ accepted: 3, rejected: { total: 0 } });
    expect(reader.summary().rejected.total).toBe(6);
    expect(host.market.bars(10, { symbol: 'SPY' }).length).toBe(3);
    await host.dispose();
  });

  it('fail (the default): throws for the first bad row, naming line, column and cell', async () => {
    const error = await failure(text);
    expect(error).toMatchObject({ line: 3, column: 'low', value: '' });
    expect(error.message).toBe('line 3, column low: "" is not a number');
  });

  it('one far-future timestamp rejects itself, not the 400 bars after it; a far-past one too', async () => {
    const lines = ['date,open,high,low,close,volume'];
    for (let i = 0; i < 500; i++) {
      const t = i === 100 ? Date.UTC(2099, 0, 1) : i === 300 ? Date.UTC(1999, 0, 1) : T + i * FIVE;
      lines.push(`${new Date(t).toISOString()},1,2,0.5,1.5,10`);
    }
    const { bars, summary } = await read(lines.join('\n'), { onBadRow: 'skip' });
    expect(bars).toHaveLength(498);
    expect(summary.rejectedRows.map((r) => [r.line, r.reason])).toEqual([
      [102, 'time_jump'],
      [302, 'time_not_increasing'],
    ]);
    const thrown = await failure(lines.join('\n'));
    expect(thrown.message).toContain(
      'line 102, column date: "2099-01-01T00:00:00.000Z" jumps ahead of the rows around it',
    );
  });
});

// ---- property tests: round trips per layout, exact bad-cell counts, no collateral rejections ----

interface GenRow {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

const price = fc.integer({ min: 1, max: 10_000_000 }).map((n) => n / 1000);
const genRows = fc
  .uniqueArray(fc.integer({ min: Date.UTC(2000, 0, 1) / 60_000, max: Date.UTC(2040, 0, 1) / 60_000 }), {
    minLength: 1,
    maxLength: 30,
  })
  .chain((minutes) =>
    fc.tuple(
      ...minutes
        .sort((a, b) => a - b)
        .map((m) =>
          fc
            .record({ a: price, b: price, c: price, d: price, volume: fc.integer({ min: 0, max: 1e9 }) })
            .map((p): GenRow => {
              const [low, open, close, high] = [p.a, p.b, p.c, p.d].sort((x, y) => x - y) as [
                number,
                number,
                number,
                number,
              ];
              return { time: m * 60_000, open, high, low, close, volume: p.volume };
            }),
        ),
    ),
  );

const pad = (n: number) => String(n).padStart(2, '0');
function localParts(t: number, offsetMin: number): { date: string; clock: string } {
  const d = new Date(t + offsetMin * 60_000);
  return {
    date: `${d.getUTCFullYear()}.${pad(d.getUTCMonth() + 1)}.${pad(d.getUTCDate())}`,
    clock: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
  };
}

const LAYOUTS: Record<
  string,
  { options: CsvBarsOptions; closeOnly?: boolean; write(rows: GenRow[]): string }
> = {
  'ISO with offsets': {
    options: {},
    write: (rows) =>
      [
        'Datetime,Open,High,Low,Close,Volume',
        ...rows.map((r, i) => {
          const off = ((i * 7) % 29) * 30 - 420;
          const local = new Date(r.time + off * 60_000).toISOString().slice(0, 16).replace('T', ' ');
          const zone = `${off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
          return `${local}${zone},${r.open},${r.high},${r.low},${r.close},${r.volume}`;
        }),
      ].join('\n'),
  },
  'naive times in a fixed zone': {
    options: { timeZone: 'Etc/GMT+5' },
    write: (rows) =>
      [
        'timestamp;close;low;high;open;volume',
        ...rows.map((r) => {
          const local = new Date(r.time - 5 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
          return `${local};${r.close};${r.low};${r.high};${r.open};${r.volume}`;
        }),
      ].join('\n'),
  },
  'MT4 without header': {
    options: { timeZone: 'Etc/GMT-2' },
    write: (rows) =>
      rows
        .map((r) => {
          const { date, clock } = localParts(r.time, 120);
          return `${date},${clock},${r.open},${r.high},${r.low},${r.close},${r.volume}`;
        })
        .join('\r\n'),
  },
  'unix seconds': {
    options: {},
    write: (rows) =>
      [
        'time,open,high,low,close,volume',
        ...rows.map((r) => `${r.time / 1000},${r.open},${r.high},${r.low},${r.close},${r.volume}`),
      ].join('\n'),
  },
  'unix milliseconds, tab-separated': {
    options: {},
    write: (rows) =>
      [
        'time\topen\thigh\tlow\tclose\tvolume',
        ...rows.map((r) => `${r.time}\t${r.open}\t${r.high}\t${r.low}\t${r.close}\t${r.volume}`),
      ].join('\n'),
  },
  'close only': {
    options: {},
    closeOnly: true,
    write: (rows) =>
      ['Date,PX_LAST', ...rows.map((r) => `${new Date(r.time).toISOString()},${r.close}`)].join('\n'),
  },
};

describe('readCsvBars properties', () => {
  for (const [name, layout] of Object.entries(LAYOUTS)) {
    it(`round-trips generated bars: ${name} (property)`, async () => {
      await fc.assert(
        fc.asyncProperty(genRows, async (rows) => {
          const { bars, summary } = await read(layout.write(rows), { ...layout.options, onBadRow: 'fail' });
          const expected = rows.map((r) =>
            layout.closeOnly
              ? { time: r.time, open: r.close, high: r.close, low: r.close, close: r.close, volume: 0 }
              : r,
          );
          expect(bars).toEqual(expected);
          expect(summary.rejected.total).toBe(0);
          for (const bar of bars) expect(validateBar(bar).ok).toBe(true);
        }),
        { numRuns: 40 },
      );
    });
  }

  it('counts random bad cells exactly, by reason and line, and keeps every other row (property)', async () => {
    const corruption = fc.record({
      column: fc.constantFrom('date', 'open', 'high', 'low', 'close', 'volume'),
      text: fc.constantFrom('', 'n/a', '1,5', 'abc', '--1'),
    });
    await fc.assert(
      fc.asyncProperty(
        genRows.chain((rows) =>
          fc.tuple(
            fc.constant(rows),
            fc.array(fc.option(corruption, { nil: undefined }), {
              minLength: rows.length,
              maxLength: rows.length,
            }),
          ),
        ),
        async ([rows, bad]) => {
          const cols = ['date', 'open', 'high', 'low', 'close', 'volume'] as const;
          const lines = rows.map((r, i) => {
            const cells = [new Date(r.time).toISOString(), r.open, r.high, r.low, r.close, r.volume].map(
              String,
            );
            const c = bad[i];
            if (c !== undefined) cells[cols.indexOf(c.column)] = c.text === '1,5' ? '"1,5"' : c.text;
            return cells.join(',');
          });
          const { bars, summary } = await read([cols.join(','), ...lines].join('\n'), { onBadRow: 'skip' });
          const badLines = bad.flatMap((c, i) => (c === undefined ? [] : [i + 2]));
          expect(summary.rejectedRows.map((r) => r.line)).toEqual(badLines);
          const reasons = bad.flatMap((c) =>
            c === undefined ? [] : [c.column === 'date' ? 'bad_time' : 'bad_number'],
          );
          expect(summary.rejectedRows.map((r) => r.reason)).toEqual(reasons);
          expect(summary.rejected.total).toBe(badLines.length);
          expect(bars.map((b) => b.time)).toEqual(
            rows.filter((_, i) => bad[i] === undefined).map((r) => r.time),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('no bar is rejected because of another row’s bad time (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 3, max: 120 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.uniqueArray(fc.integer({ min: 1, max: n - 2 }), { maxLength: Math.floor(n / 4) }),
              fc.array(fc.boolean(), { minLength: n, maxLength: n }),
              fc.constantFrom(60_000, FIVE, 86_400_000),
            ),
          ),
        async ([n, positions, future, step]) => {
          // Outliers never side by side: one row of lookahead tells one wrong row from a real gap.
          const outliers = new Set(positions.filter((p) => !positions.includes(p - 1)));
          const lines = ['date,open,high,low,close,volume'];
          for (let i = 0; i < n; i++) {
            const t = outliers.has(i)
              ? future[i]
                ? Date.UTC(2099, 5, 1) + i
                : Date.UTC(1980, 0, 1) + i
              : T + i * step;
            lines.push(`${new Date(t).toISOString()},1,2,0.5,1.5,10`);
          }
          const { bars, summary } = await read(lines.join('\n'), { onBadRow: 'skip' });
          const good = Array.from({ length: n }, (_, i) => i).filter((i) => !outliers.has(i));
          expect(bars.map((b) => b.time)).toEqual(good.map((i) => T + i * step));
          expect(summary.rejectedRows.map((r) => r.line)).toEqual(
            [...outliers].sort((a, b) => a - b).map((i) => i + 2),
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});

describeWithSharedData('readCsvBars on every shared data file', () => {
  const files = (() => {
    try {
      return readdirSync(sharedDataDir()).filter((f) => f.endsWith('.csv'));
    } catch {
      return [];
    }
  })();

  it('finds the data files', () => {
    expect(files).toEqual(expect.arrayContaining(['SPY_1d.csv', 'QQQ_1d.csv', 'SPY_5m.csv', 'VIX_1d.csv']));
  });

  it.each(files)(
    'reads %s with the default (fail) policy: every row a valid, increasing bar',
    async (file) => {
      const reader = readCsvBars(sharedDataPath(file));
      let last = Number.NEGATIVE_INFINITY;
      let invalid = 0;
      for await (const bar of reader) {
        expect(bar.time).toBeGreaterThan(last);
        last = bar.time;
        if (!validateBar(bar).ok) invalid++;
      }
      const summary = reader.summary();
      expect(invalid).toBe(0);
      expect(summary.bars).toBe(summary.rows);
      expect(summary.rejected.total).toBe(0);
      expect(summary.layout?.closeOnly).toBe(file === 'VIX_1d.csv');
    },
  );

  it('replays SPY daily with VIX and QQQ closes joined as aux; VIX goes stale after its last day', async () => {
    const DAY = 86_400_000;
    const join = joinAux(
      readCsvBars(sharedDataPath('SPY_1d.csv'), { symbol: 'SPY' }),
      { vix: readCsvBars(sharedDataPath('VIX_1d.csv')), qqq: readCsvBars(sharedDataPath('QQQ_1d.csv')) },
      { policy: 'last', maxStalenessMs: 5 * DAY },
    );
    const host = createHost({
      cache: { memory: true },
      services: { logger: createLogger({ level: 'silent' }) },
    });
    const seen: Array<[number, number | undefined]> = [];
    await host.load([
      definePlugin({
        id: 'aux-reader',
        name: 'a',
        version: '1.0.0',
        category: 'data',
        warmup: 0,
        window: 2,
        onBar({ bar, window }) {
          seen.push([bar.time, window.aux('vix')?.at(-1)]);
          return { active: false, score: 0, status: 'ok' };
        },
      }),
    ]);
    const summary = await host.replay(join);
    const stats = join.stats();
    expect(summary.accepted).toBe(2552);
    expect(stats.joined.qqq).toBe(2552);
    expect((stats.joined.vix ?? 0) + (stats.stale.vix ?? 0)).toBe(2552);
    const lastVix = Date.UTC(2026, 1, 27);
    const afterVix = seen.filter(([t]) => t > lastVix + 5 * DAY);
    expect(afterVix.length).toBe(stats.stale.vix);
    expect(afterVix.every(([, v]) => v === undefined || Number.isNaN(v))).toBe(true);
    expect(seen.find(([t]) => t === Date.UTC(2026, 1, 27))?.[1]).toBe(19.86);
    const spy = host.market.bars(5000, { symbol: 'SPY' });
    expect(spy.aux.qqq?.[spy.length - 1]).toBe(713.44);
    await host.dispose();
  });
});
