import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContractError } from './errors.js';
import {
  DEFAULT_IDLE_MS,
  formatSchedule,
  matchesEventPattern,
  parseSchedule,
  type Schedule,
  safeParseSchedule,
} from './schedule.js';

describe('parseSchedule', () => {
  it.each<[string, Schedule]>([
    ['@open', { kind: 'open', offsetMs: 0 }],
    ['@close', { kind: 'close', offsetMs: 0 }],
    ['@open+15m', { kind: 'open', offsetMs: 900_000 }],
    ['@close-10m', { kind: 'close', offsetMs: -600_000 }],
    ['@idle', { kind: 'idle', everyMs: DEFAULT_IDLE_MS }],
    ['@idle 30m', { kind: 'idle', everyMs: 1_800_000 }],
    ['every 5m', { kind: 'interval', everyMs: 300_000 }],
    ['every 30s', { kind: 'interval', everyMs: 30_000 }],
    ['  every   2h ', { kind: 'interval', everyMs: 7_200_000 }],
    ['interval_5m', { kind: 'interval', everyMs: 300_000 }],
    ['interval_1h', { kind: 'interval', everyMs: 3_600_000 }],
    ['*/5 * * * *', { kind: 'cron', expression: '*/5 * * * *' }],
    ['0 16 * * 1-5', { kind: 'cron', expression: '0 16 * * 1-5' }],
    ['30 9 * jan,Jul mon-fri', { kind: 'cron', expression: '30 9 * 1,7 1-5' }],
    [
      'TZ=America/New_York 0 16 * * 1-5',
      { kind: 'cron', expression: '0 16 * * 1-5', timezone: 'America/New_York' },
    ],
    ['CRON_TZ=Asia/Shanghai 0 9 * * *', { kind: 'cron', expression: '0 9 * * *', timezone: 'Asia/Shanghai' }],
    ['on:signal.updated', { kind: 'event', pattern: 'signal.updated' }],
    ['on:signal.*', { kind: 'event', pattern: 'signal.*' }],
    ['on:*', { kind: 'event', pattern: '*' }],
  ])('accepts %j', (text, expected) => {
    expect(parseSchedule(text)).toEqual(expected);
  });

  it.each([
    '',
    '@opening',
    '@open+0m',
    '@close+5d',
    'every 0m',
    'every 5',
    'every 5 m',
    'every 5d',
    'interval_5',
    'every 10081m',
    '* * * *',
    '* * * * * *',
    '60 * * * *',
    '* 24 * * *',
    '* * 0 * *',
    '* * * 13 *',
    '* * * * 8',
    '5-1 * * * *',
    '*/0 * * * *',
    'TZ=Mars/Olympus 0 9 * * *',
    'on:',
    'on:has space',
    'on:a.*.b',
    'daily',
  ])('rejects %j with a ContractError naming the text', (text) => {
    const result = safeParseSchedule(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(ContractError);
    expect(result.error.code).toBe('CONTRACT_INVALID_SCHEDULE');
    expect(result.error.field).toBe('when');
    expect(result.error.message).toContain(JSON.stringify(text));
    expect(result.error.hint).toContain('@open');
    expect(() => parseSchedule(text)).toThrow(ContractError);
  });

  it('rejects non-strings', () => {
    expect(safeParseSchedule(5 as unknown as string).ok).toBe(false);
  });

  const unit = fc.constantFrom(1000, 60_000, 3_600_000);
  const duration = fc
    .tuple(fc.integer({ min: 1, max: 168 }), unit)
    .map(([n, u]) => Math.min(n * u, 7 * 24 * 3_600_000));
  const cronAtom = (min: number, max: number) =>
    fc.oneof(
      fc.constant('*'),
      fc.integer({ min, max }).map(String),
      fc
        .tuple(fc.integer({ min, max }), fc.integer({ min, max }))
        .map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.integer({ min: 1, max: 30 }).map((s) => `*/${s}`),
    );
  const cronField = (min: number, max: number) =>
    fc.array(cronAtom(min, max), { minLength: 1, maxLength: 3 }).map((a) => a.join(','));
  const schedules: fc.Arbitrary<Schedule> = fc.oneof(
    fc
      .tuple(fc.constantFrom('open' as const, 'close' as const), duration, fc.boolean(), fc.boolean())
      .map(([kind, d, neg, zero]) => ({ kind, offsetMs: zero ? 0 : neg ? -d : d })),
    duration.map((everyMs) => ({ kind: 'idle' as const, everyMs })),
    duration.map((everyMs) => ({ kind: 'interval' as const, everyMs })),
    fc
      .tuple(
        cronField(0, 59),
        cronField(0, 23),
        cronField(1, 31),
        cronField(1, 12),
        cronField(0, 7),
        fc.option(fc.constantFrom('UTC', 'America/New_York', 'Europe/London')),
      )
      .map(([a, b, c, d, e, tz]) => {
        const s: Schedule = { kind: 'cron', expression: [a, b, c, d, e].join(' ') };
        if (tz !== null) s.timezone = tz;
        return s;
      }),
    fc
      .tuple(fc.array(fc.stringMatching(/^[a-z0-9_]{1,8}$/), { minLength: 1, maxLength: 4 }), fc.boolean())
      .map(([parts, wild]) => ({ kind: 'event' as const, pattern: parts.join('.') + (wild ? '.*' : '') })),
  );

  it('property: parse(format(s)) deep-equals s for every schedule of the grammar', () => {
    fc.assert(
      fc.property(schedules, (s) => {
        expect(parseSchedule(formatSchedule(s))).toEqual(s);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: format(parse(text)) is a fixed point', () => {
    fc.assert(
      fc.property(schedules, (s) => {
        const text = formatSchedule(s);
        expect(formatSchedule(parseSchedule(text))).toBe(text);
      }),
    );
  });

  it('property: arbitrary text either parses to a schedule or fails with CONTRACT_INVALID_SCHEDULE, never throws otherwise', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const r = safeParseSchedule(text);
        if (r.ok) expect(parseSchedule(formatSchedule(r.schedule))).toEqual(r.schedule);
        else expect(r.error.code).toBe('CONTRACT_INVALID_SCHEDULE');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('matchesEventPattern', () => {
  it('matches exact, prefix and wildcard patterns', () => {
    expect(matchesEventPattern('signal.updated', 'signal.updated')).toBe(true);
    expect(matchesEventPattern('signal.updated', 'signal.updated.x')).toBe(false);
    expect(matchesEventPattern('signal.*', 'signal.updated')).toBe(true);
    expect(matchesEventPattern('signal.*', 'signals.updated')).toBe(false);
    expect(matchesEventPattern('signal.*', 'signal')).toBe(false);
    expect(matchesEventPattern('*', 'anything')).toBe(true);
  });
});
