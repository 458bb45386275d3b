import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDay } from './civil-date.js';
import { zonedDayOf, zonedTimeToEpoch, zoneOffsetAt } from './time-zone.js';

const ZONES = [
  'America/New_York',
  'Europe/London',
  'Asia/Tokyo',
  'Australia/Sydney',
  'America/Sao_Paulo',
  'UTC',
];
const wall = (zone: string) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });

describe('time-zone math', () => {
  it('maps a wall time back to itself in any zone, except inside a spring-forward gap', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: 7_000, max: 47_000 }),
        fc.integer({ min: 0, max: 1439 }),
        (zone, day, minutes) => {
          const t = zonedTimeToEpoch(day, minutes, zone);
          const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
          const mm = String(minutes % 60).padStart(2, '0');
          const shown = wall(zone).format(t);
          if (shown !== `${formatDay(day)}, ${hh}:${mm}`) {
            // Only a skipped wall time may differ, and then by the DST shift forward.
            expect(zoneOffsetAt(t, zone)).toBeGreaterThan(zoneOffsetAt(t - 86_400_000, zone));
          }
          expect(zonedDayOf(t, zone)).toBeGreaterThanOrEqual(day);
        },
      ),
    );
  });

  it('resolves New York DST edges: the skipped 02:30 moves forward, the repeated 01:30 is the first', () => {
    const spring = 19_792; // 2024-03-10
    const fall = 20_030; // 2024-11-03
    expect(formatDay(spring)).toBe('2024-03-10');
    expect(formatDay(fall)).toBe('2024-11-03');
    expect(new Date(zonedTimeToEpoch(spring, 150, 'America/New_York')).toISOString()).toBe(
      '2024-03-10T07:30:00.000Z',
    );
    expect(new Date(zonedTimeToEpoch(fall, 90, 'America/New_York')).toISOString()).toBe(
      '2024-11-03T05:30:00.000Z',
    );
    expect(zoneOffsetAt(Date.parse('2024-07-01T12:00:00Z'), 'America/New_York')).toBe(-4 * 3_600_000);
  });
});
