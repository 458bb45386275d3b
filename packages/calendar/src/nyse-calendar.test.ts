import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNyseCalendar, nyseEarlyCloses, nyseHolidays } from './nyse-calendar.js';

// The NYSE's published holiday and early-close lists (nyse.com/markets/hours-calendars), 2020–2027.
// 2025-01-09 (National Day of Mourning for President Carter) was announced in December 2024 and is
// not rule-based; it comes from NYSE_SPECIAL_CLOSURES.
const PUBLISHED_HOLIDAYS: Record<number, string[]> = {
  2020: [
    '2020-01-01',
    '2020-01-20',
    '2020-02-17',
    '2020-04-10',
    '2020-05-25',
    '2020-07-03',
    '2020-09-07',
    '2020-11-26',
    '2020-12-25',
  ],
  2021: [
    '2021-01-01',
    '2021-01-18',
    '2021-02-15',
    '2021-04-02',
    '2021-05-31',
    '2021-07-05',
    '2021-09-06',
    '2021-11-25',
    '2021-12-24',
  ],
  2022: [
    '2022-01-17',
    '2022-02-21',
    '2022-04-15',
    '2022-05-30',
    '2022-06-20',
    '2022-07-04',
    '2022-09-05',
    '2022-11-24',
    '2022-12-26',
  ],
  2023: [
    '2023-01-02',
    '2023-01-16',
    '2023-02-20',
    '2023-04-07',
    '2023-05-29',
    '2023-06-19',
    '2023-07-04',
    '2023-09-04',
    '2023-11-23',
    '2023-12-25',
  ],
  2024: [
    '2024-01-01',
    '2024-01-15',
    '2024-02-19',
    '2024-03-29',
    '2024-05-27',
    '2024-06-19',
    '2024-07-04',
    '2024-09-02',
    '2024-11-28',
    '2024-12-25',
  ],
  2025: [
    '2025-01-01',
    '2025-01-20',
    '2025-02-17',
    '2025-04-18',
    '2025-05-26',
    '2025-06-19',
    '2025-07-04',
    '2025-09-01',
    '2025-11-27',
    '2025-12-25',
  ],
  2026: [
    '2026-01-01',
    '2026-01-19',
    '2026-02-16',
    '2026-04-03',
    '2026-05-25',
    '2026-06-19',
    '2026-07-03',
    '2026-09-07',
    '2026-11-26',
    '2026-12-25',
  ],
  2027: [
    '2027-01-01',
    '2027-01-18',
    '2027-02-15',
    '2027-03-26',
    '2027-05-31',
    '2027-06-18',
    '2027-07-05',
    '2027-09-06',
    '2027-11-25',
    '2027-12-24',
  ],
};

const PUBLISHED_EARLY_CLOSES: Record<number, string[]> = {
  2020: ['2020-11-27', '2020-12-24'],
  2021: ['2021-11-26'],
  2022: ['2022-11-25'],
  2023: ['2023-07-03', '2023-11-24'],
  2024: ['2024-07-03', '2024-11-29', '2024-12-24'],
  2025: ['2025-07-03', '2025-11-28', '2025-12-24'],
  2026: ['2026-11-27', '2026-12-24'],
  2027: ['2027-11-26'],
};

const YEARS = Object.keys(PUBLISHED_HOLIDAYS).map(Number);
const nyse = createNyseCalendar();
const utc = (iso: string) => Date.parse(iso);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('NYSE holidays and early closes by rule', () => {
  it.each(YEARS)('matches the published holiday list for %i', (year) => {
    expect(nyseHolidays(year).map((h) => h.date)).toEqual(PUBLISHED_HOLIDAYS[year]);
  });

  it.each(YEARS)('matches the published early-close list for %i', (year) => {
    expect(nyseEarlyCloses(year).map((e) => e.date)).toEqual(PUBLISHED_EARLY_CLOSES[year]);
  });

  it.each(YEARS)('has no session on the holidays of %i and 13:00 closes on its half days', (year) => {
    for (const date of PUBLISHED_HOLIDAYS[year]!) {
      expect(nyse.sessionOn(date), date).toBeNull();
      expect(nyse.holidayOn(date), date).not.toBeNull();
    }
    for (const date of PUBLISHED_EARLY_CLOSES[year]!) {
      const s = nyse.sessionOn(date);
      expect(s?.earlyClose, date).toBe(true);
      expect(s!.close - s!.open, date).toBe(3.5 * HOUR);
    }
  });

  it('counts weekdays minus holidays as the sessions of each year', () => {
    // 2025: 261 weekdays, 10 rule holidays and the Carter day of mourning.
    const counts = YEARS.map((y) => nyse.sessionsBetween(`${y}-01-01`, `${y}-12-31`).length);
    expect(counts).toEqual([253, 252, 251, 250, 252, 250, 251, 251]);
  });

  it('closes on the 2025 Carter day of mourning, a special closure', () => {
    expect(nyse.sessionOn('2025-01-09')).toBeNull();
    expect(nyse.holidayOn('2025-01-09')).toMatch(/Carter/);
    expect(nyseHolidays(2025).map((h) => h.date)).not.toContain('2025-01-09');
  });

  it('does not observe New Year on the Friday before when Jan 1 is a Saturday', () => {
    expect(nyse.sessionOn('2021-12-31')).not.toBeNull();
    expect(nyse.sessionOn('2027-12-31')).not.toBeNull();
    expect(nyseHolidays(2022).map((h) => h.name)).not.toContain("New Year's Day");
  });

  it('computes Good Friday from Easter for years far from the test data', () => {
    expect(nyseHolidays(2038).find((h) => h.name === 'Good Friday')?.date).toBe('2038-04-23');
    expect(nyseHolidays(2285).find((h) => h.name === 'Good Friday')?.date).toBe('2285-03-20');
    expect(nyseHolidays(1818).find((h) => h.name === 'Good Friday')?.date).toBe('1818-03-20');
  });

  it('accepts extra closures and early closes', () => {
    const cal = createNyseCalendar({
      extraHolidays: [{ date: '2030-06-05', name: 'Day of mourning' }],
      extraEarlyCloses: [{ date: '2030-06-06', name: 'Half day', close: '12:00' }],
    });
    expect(cal.sessionOn('2030-06-05')).toBeNull();
    expect(cal.sessionOn('2030-06-06')).toMatchObject({
      earlyClose: true,
      close: utc('2030-06-06T16:00:00Z'),
    });
  });
});

describe('NYSE sessions in time', () => {
  it('opens 09:30 and closes 16:00 New York time across DST changes', () => {
    expect(nyse.sessionOn('2024-03-08')).toEqual({
      date: '2024-03-08',
      open: utc('2024-03-08T14:30:00Z'),
      close: utc('2024-03-08T21:00:00Z'),
      earlyClose: false,
    });
    // 2024-03-10 was the spring-forward Sunday; 2024-11-03 the fall-back Sunday.
    expect(nyse.sessionOn('2024-03-11')?.open).toBe(utc('2024-03-11T13:30:00Z'));
    expect(nyse.sessionOn('2024-11-01')?.close).toBe(utc('2024-11-01T20:00:00Z'));
    expect(nyse.sessionOn('2024-11-04')?.close).toBe(utc('2024-11-04T21:00:00Z'));
    expect(nyse.sessionOn('2024-11-29')?.close).toBe(utc('2024-11-29T18:00:00Z'));
  });

  it('answers isOpen, nextOpen, nextClose, previousOpen and previousClose at the edges', () => {
    const open = utc('2024-07-03T13:30:00Z');
    const close = utc('2024-07-03T17:00:00Z');
    expect(nyse.isOpen(open - 1)).toBe(false);
    expect(nyse.isOpen(open)).toBe(true);
    expect(nyse.isOpen(close - 1)).toBe(true);
    expect(nyse.isOpen(close)).toBe(false);
    expect(nyse.nextOpen(open - 1)).toBe(open);
    expect(nyse.nextOpen(open)).toBe(utc('2024-07-05T13:30:00Z'));
    expect(nyse.nextClose(open)).toBe(close);
    expect(nyse.nextClose(close)).toBe(utc('2024-07-05T20:00:00Z'));
    expect(nyse.previousClose(close)).toBe(close);
    expect(nyse.previousClose(close - 1)).toBe(utc('2024-07-02T20:00:00Z'));
    expect(nyse.previousOpen(close)).toBe(open);
    expect(nyse.sessionAt(open + HOUR)?.date).toBe('2024-07-03');
    expect(nyse.sessionAt(close)).toBeNull();
  });

  it('skips a long weekend from a Thursday close to the Tuesday open', () => {
    // Good Friday 2024-03-29, then the weekend.
    expect(nyse.nextOpen(utc('2024-03-28T20:00:00Z'))).toBe(utc('2024-04-01T13:30:00Z'));
  });

  it('rejects malformed dates and times with codes', () => {
    expect(() => nyse.sessionOn('2023-02-29')).toThrow(
      expect.objectContaining({ code: 'CALENDAR_INVALID_DATE' }),
    );
    expect(() => nyse.sessionOn('24-01-01')).toThrow(/YYYY-MM-DD/);
    expect(() => nyse.isOpen(Number.NaN)).toThrow(expect.objectContaining({ code: 'CALENDAR_INVALID_TIME' }));
  });
});

describe('NYSE calendar properties', () => {
  // 1990-01-01 .. 2100-01-01
  const instant = fc.integer({ min: 631_152_000_000, max: 4_102_444_800_000 });

  it('nextOpen(t) is after t and the market is open just after it and closed just before', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const open = nyse.nextOpen(t);
        expect(open).toBeGreaterThan(t);
        expect(nyse.isOpen(open)).toBe(true);
        expect(nyse.isOpen(open + MIN)).toBe(true);
        expect(nyse.isOpen(open - 1)).toBe(false);
        expect(open - t).toBeLessThan(6 * DAY);
      }),
    );
  });

  it('nextClose(t) is after t, closed at it, open just before', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const close = nyse.nextClose(t);
        expect(close).toBeGreaterThan(t);
        expect(nyse.isOpen(close)).toBe(false);
        expect(nyse.isOpen(close - 1)).toBe(true);
      }),
    );
  });

  it('isOpen agrees with the session of the New York date', () => {
    const fmt = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'America/New_York',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    fc.assert(
      fc.property(instant, (t) => {
        const session = nyse.sessionOn(fmt.format(t));
        const inside = session !== null && session.open <= t && t < session.close;
        expect(nyse.isOpen(t)).toBe(inside);
      }),
    );
  });

  it('sessions open at 09:30 and close at 16:00 or 13:00 New York time on every date, DST or not', () => {
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/New_York',
      hourCycle: 'h23',
      hour: '2-digit',
      minute: '2-digit',
    });
    const day = fc
      .integer({ min: 0, max: 365 * 60 })
      .map((n) => new Date(Date.UTC(1990, 0, 1) + n * DAY).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, (date) => {
        const s = nyse.sessionOn(date);
        if (s === null) return;
        expect(fmt.format(s.open)).toBe('09:30');
        expect(fmt.format(s.close)).toBe(s.earlyClose ? '13:00' : '16:00');
        expect(nyse.previousOpen(s.open)).toBe(s.open);
        expect(nyse.previousClose(s.close + 1)).toBe(s.close);
      }),
    );
  });

  it('is closed on every Saturday and Sunday', () => {
    const weekend = fc
      .integer({ min: 0, max: 52 * 100 })
      .chain((w) =>
        fc
          .constantFrom(0, 1)
          .map((d) => new Date(Date.UTC(1990, 0, 6) + (w * 7 + d) * DAY).toISOString().slice(0, 10)),
      );
    fc.assert(
      fc.property(weekend, (date) => {
        expect(nyse.sessionOn(date)).toBeNull();
      }),
    );
  });
});
