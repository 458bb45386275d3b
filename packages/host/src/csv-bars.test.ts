import { Readable } from 'node:stream';
import { type Bar, validateBar } from '@keel/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeWithSharedData, sharedDataPath } from '../../../test-support/shared-data.js';
import { parseCsvTime, readCsvBars, splitCsvLine } from './csv-bars.js';
import { CsvBarError } from './errors.js';

async function parse(text: string, options?: Parameters<typeof readCsvBars>[1]): Promise<Bar[]> {
  const bars: Bar[] = [];
  for await (const bar of readCsvBars(Readable.from([text]), options)) bars.push(bar);
  return bars;
}

async function parseError(text: string): Promise<CsvBarError> {
  try {
    await parse(text);
  } catch (error) {
    if (error instanceof CsvBarError) return error;
    throw error;
  }
  throw new Error('expected a CsvBarError');
}

const HEADER = 'date,open,high,low,close,volume,wap,count';

describe('readCsvBars', () => {
  it('parses mixed UTC offsets, daily dates, empty extra cells, CRLF and a BOM', async () => {
    const text =
      `\uFEFF${HEADER}\r\n` +
      '2016-06-28,201.5,203.2,201.12,203.2,123612836.0,202.086,507942.0\r\n' +
      '2024-03-11 13:30:00+00:00,510.48,510.94,510.19,510.22,1907620.0,510.569,12177.0\r\n' +
      '2026-08-05 09:30:00-04:00,775.85,776.79,775.26,776.2,2356246.0,,\r\n\r\n';
    const bars = await parse(text, { symbol: 'SPY', aux: ['wap'] });
    expect(bars).toEqual([
      {
        time: Date.UTC(2016, 5, 28),
        open: 201.5,
        high: 203.2,
        low: 201.12,
        close: 203.2,
        volume: 123612836,
        symbol: 'SPY',
        aux: { wap: 202.086 },
      },
      {
        time: Date.UTC(2024, 2, 11, 13, 30),
        open: 510.48,
        high: 510.94,
        low: 510.19,
        close: 510.22,
        volume: 1907620,
        symbol: 'SPY',
        aux: { wap: 510.569 },
      },
      {
        time: Date.UTC(2026, 7, 5, 13, 30),
        open: 775.85,
        high: 776.79,
        low: 775.26,
        close: 776.2,
        volume: 2356246,
        symbol: 'SPY',
      },
    ]);
  });

  it.each([
    [
      `${HEADER}\n2024-03-11 13:30:00+00:00,1,2,0.5,abc,10,,`,
      2,
      'close',
      'line 2, column close: "abc" is not a number',
    ],
    [
      `${HEADER}\n2024-03-11,1,2,0.5,1,10,,\n2024-03-12,1,2,,1,10,,`,
      3,
      'low',
      'line 3, column low: "" is not a number',
    ],
    [
      `${HEADER}\n2024-02-30,1,2,0.5,1,10,,`,
      2,
      'date',
      'line 2, column date: "2024-02-30" is not a valid date and time',
    ],
    [
      `${HEADER}\n11/03/2024,1,2,0.5,1,10,,`,
      2,
      'date',
      'line 2, column date: "11/03/2024" is not a date like 2024-03-11 13:30:00+00:00',
    ],
    [`${HEADER}\n2024-03-11,1,2`, 2, 'low', 'line 2, column low: row has 3 cells, the columns need 6'],
    ['time,open,high,low,volume\n', 1, 'header', 'line 1, column header: missing required column "close"'],
    ['', 1, 'header', 'line 1, column header: the file has no header row'],
  ])('names line and column of a bad row (%#)', async (text, line, column, message) => {
    const error = await parseError(text);
    expect(error).toMatchObject({ code: 'HOST_CSV_INVALID', line, column, message });
  });

  it('round-trips generated bars through any UTC offset (property)', async () => {
    const offsets = fc.integer({ min: -14 * 60, max: 14 * 60 }).map((m) => m - (m % 15));
    const row = fc.record({
      time: fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }).map((t) => t - (t % 1000)),
      open: fc.double({ min: 0.01, max: 1e6, noNaN: true }),
      close: fc.double({ min: 0.01, max: 1e6, noNaN: true }),
      volume: fc.integer({ min: 0, max: 1e12 }),
      offset: offsets,
    });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(row, { maxLength: 20, selector: (r) => r.time }), async (unsorted) => {
        // The reader rejects rows out of time order: the generated file is in order.
        const rows = [...unsorted].sort((a, b) => a.time - b.time);
        const lines = rows.map((r) => {
          const local = new Date(r.time + r.offset * 60_000).toISOString().slice(0, 19).replace('T', ' ');
          const sign = r.offset < 0 ? '-' : '+';
          const abs = Math.abs(r.offset);
          const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          const high = Math.max(r.open, r.close);
          const low = Math.min(r.open, r.close);
          return `${local}${zone},${r.open},${high},${low},${r.close},${r.volume}`;
        });
        const bars = await parse(['date,open,high,low,close,volume', ...lines].join('\n'));
        expect(bars.map((b) => b.time)).toEqual(rows.map((r) => r.time));
        expect(bars.map((b) => b.open)).toEqual(rows.map((r) => r.open));
        expect(bars.map((b) => b.close)).toEqual(rows.map((r) => r.close));
        for (const bar of bars) expect(validateBar(bar).ok).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('never throws anything but a CsvBarError on arbitrary input (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ maxLength: 40 }), { maxLength: 6 }), async (cells) => {
        try {
          await parse(`${HEADER}\n${cells.join(',')}\n`);
        } catch (error) {
          expect(error).toBeInstanceOf(CsvBarError);
          expect((error as CsvBarError).message).not.toContain('\n');
        }
      }),
      { numRuns: 200 },
    );
  });

  it('splits quoted cells', () => {
    expect(splitCsvLine('a,"b,c","d""e",')).toEqual(['a', 'b,c', 'd"e', '']);
    expect(() => splitCsvLine('"open', 7)).toThrow('line 7, column cell 1: unterminated quoted cell');
  });

  it('parses offsets without a colon, Z and fractions; years below 100 stay literal', () => {
    expect(parseCsvTime('2024-03-11T13:30:00.250Z')).toBe(Date.UTC(2024, 2, 11, 13, 30, 0, 250));
    expect(parseCsvTime('2024-03-11 09:30:00-0400')).toBe(Date.UTC(2024, 2, 11, 13, 30));
    expect(parseCsvTime('2024-03-11 14:30+01')).toBe(Date.UTC(2024, 2, 11, 13, 30));
    expect(parseCsvTime('0050-01-01')).toBe(new Date('0050-01-01T00:00:00Z').getTime());
  });
});

describeWithSharedData('readCsvBars on the shared data', () => {
  it('reads SPY_5m.csv: strictly increasing times, every bar valid for the host', async () => {
    let count = 0;
    let last = Number.NEGATIVE_INFINITY;
    let invalid = 0;
    for await (const bar of readCsvBars(sharedDataPath('SPY_5m.csv'))) {
      count++;
      if (bar.time <= last) throw new Error(`time not increasing at bar ${count}`);
      last = bar.time;
      if (!validateBar(bar).ok) invalid++;
    }
    expect(count).toBe(47_754);
    expect(invalid).toBe(0);
    expect(last).toBe(Date.UTC(2026, 7, 21, 19, 55));
  });

  it('reads the daily files', async () => {
    const first = await readCsvBars(sharedDataPath('SPY_1d.csv')).next();
    expect(first.value).toMatchObject({ time: Date.UTC(2016, 5, 28), open: 201.5, close: 203.2 });
  });
});
