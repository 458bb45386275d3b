import { describe, expect, it } from 'vitest';
import { createLogger, type LogRecord, scopeLogger } from './logger.js';

const capture = (options: Parameters<typeof createLogger>[0] = {}) => {
  const lines: string[] = [];
  const records: LogRecord[] = [];
  const log = createLogger({
    now: () => Date.UTC(2024, 0, 2, 3, 4, 5),
    ...options,
    sink: (line, record) => {
      lines.push(line);
      records.push(record);
    },
  });
  return { log, lines, records };
};

describe('createLogger', () => {
  it('writes JSON lines with scope bindings and filters by level', () => {
    const { log, lines } = capture({ level: 'info' });
    const plugin = log.child({ plugin: 'atr-burst' });
    plugin.debug('hidden');
    plugin.info('loaded', { version: '1.0.0' });
    log.warn('plain');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        time: '2024-01-02T03:04:05.000Z',
        level: 'info',
        msg: 'loaded',
        plugin: 'atr-burst',
        version: '1.0.0',
      },
      { time: '2024-01-02T03:04:05.000Z', level: 'warn', msg: 'plain' },
    ]);
  });

  it('renders hostile fields (BigInt, NaN, cycles, errors) instead of throwing', () => {
    const { log, lines } = capture();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    log.error('odd', {
      big: 10n,
      nan: Number.NaN,
      cyclic,
      err: Object.assign(new Error('bad'), { code: 'E_X' }),
      fn() {},
    });
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      big: '10n',
      nan: 'NaN',
      cyclic: { a: 1, self: '[Circular]' },
      err: { name: 'Error', message: 'bad', code: 'E_X' },
      fn: '[function fn]',
    });
  });

  it('writes pretty lines and stays silent at level silent', () => {
    const { log, lines } = capture({ format: 'pretty', level: 'debug' });
    log.child({ plugin: 'p1' }).debug('hello', { n: 1 });
    expect(lines).toEqual(['2024-01-02T03:04:05.000Z DEBUG [p1] hello {"n":1}']);
    const silent = capture({ level: 'silent' });
    silent.log.error('nothing');
    expect(silent.lines).toEqual([]);
  });

  it('scopes a plain contract Logger by merging bindings', () => {
    const calls: unknown[] = [];
    const plain = {
      debug: (m: string, f?: object) => calls.push(['debug', m, f]),
      info: (m: string, f?: object) => calls.push(['info', m, f]),
      warn: (m: string, f?: object) => calls.push(['warn', m, f]),
      error: (m: string, f?: object) => calls.push(['error', m, f]),
    };
    scopeLogger(plain, { plugin: 'x' }).warn('w', { a: 1 });
    expect(calls).toEqual([['warn', 'w', { plugin: 'x', a: 1 }]]);
  });
});
