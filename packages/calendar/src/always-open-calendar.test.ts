import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAlwaysOpenCalendar } from './always-open-calendar.js';

describe('createAlwaysOpenCalendar', () => {
  const crypto = createAlwaysOpenCalendar();

  it('is open at every instant, with a daily close at midnight UTC', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (t) => {
        expect(crypto.isOpen(t)).toBe(true);
        const close = crypto.nextClose(t);
        expect(close).toBeGreaterThan(t);
        expect(close % 86_400_000).toBe(0);
        expect(crypto.nextOpen(t)).toBe(close);
      }),
    );
  });

  it('has a session on weekends and holidays', () => {
    expect(crypto.sessionOn('2024-12-25')).toEqual({
      date: '2024-12-25',
      open: Date.parse('2024-12-25T00:00:00Z'),
      close: Date.parse('2024-12-26T00:00:00Z'),
      earlyClose: false,
    });
    expect(crypto.sessionsBetween('2024-01-01', '2024-12-31')).toHaveLength(366);
  });

  it('splits days at midnight of another zone, 23 or 25 hours long on DST days', () => {
    const cal = createAlwaysOpenCalendar({ id: 'crypto-ny', timeZone: 'America/New_York' });
    const spring = cal.sessionOn('2024-03-10')!;
    const fall = cal.sessionOn('2024-11-03')!;
    expect(spring.close - spring.open).toBe(23 * 3_600_000);
    expect(fall.close - fall.open).toBe(25 * 3_600_000);
    expect(spring.open).toBe(Date.parse('2024-03-10T05:00:00Z'));
  });
});
