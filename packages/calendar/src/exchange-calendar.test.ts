import { describe, expect, it } from 'vitest';
import { createExchangeCalendar } from './exchange-calendar.js';

describe('createExchangeCalendar', () => {
  it('plugs in another exchange from rules: Tokyo-like hours, its own zone and holidays', () => {
    const tse = createExchangeCalendar({
      id: 'XTKS',
      timeZone: 'Asia/Tokyo',
      open: '09:00',
      close: '15:30',
      holidays: (year) => [{ date: `${year}-01-02`, name: 'Bank holiday' }],
    });
    expect(tse.sessionOn('2024-01-02')).toBeNull();
    expect(tse.sessionOn('2024-01-04')).toMatchObject({
      open: Date.parse('2024-01-04T00:00:00Z'),
      close: Date.parse('2024-01-04T06:30:00Z'),
    });
    // 08:00 Tokyo on Jan 5 is 23:00 UTC on Jan 4: the local date decides the session.
    expect(tse.isOpen(Date.parse('2024-01-04T23:00:00Z'))).toBe(false);
    expect(tse.nextOpen(Date.parse('2024-01-04T23:00:00Z'))).toBe(Date.parse('2024-01-05T00:00:00Z'));
    expect(tse.holidayOn('2024-01-02')).toBe('Bank holiday');
  });

  it('rejects bad specs with one-line messages naming the field', () => {
    const base = { id: 'X', timeZone: 'UTC', open: '09:00', close: '17:00' };
    expect(() => createExchangeCalendar({ ...base, timeZone: 'Mars/Olympus' })).toThrow(
      expect.objectContaining({ code: 'CALENDAR_INVALID_TIME_ZONE', field: 'timeZone' }),
    );
    expect(() => createExchangeCalendar({ ...base, close: '08:00' })).toThrow(
      /close 08:00 must be later than open 09:00/,
    );
    expect(() => createExchangeCalendar({ ...base, open: '9:00' })).toThrow(
      expect.objectContaining({ field: 'open' }),
    );
    const cal = createExchangeCalendar({
      ...base,
      earlyCloses: () => [{ date: '2024-01-03', name: 'x', close: '18:00' }],
    });
    expect(() => cal.sessionOn('2024-01-03')).toThrow(
      expect.objectContaining({ code: 'CALENDAR_INVALID_SPEC' }),
    );
  });

  it('throws CALENDAR_NO_SESSION when no day ever trades', () => {
    const never = createExchangeCalendar({
      id: 'never',
      timeZone: 'UTC',
      open: '09:00',
      close: '17:00',
      weekendDays: [0, 1, 2, 3, 4, 5, 6],
    });
    expect(never.isOpen(0)).toBe(false);
    expect(() => never.nextOpen(0)).toThrow(expect.objectContaining({ code: 'CALENDAR_NO_SESSION' }));
  });
});
