import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { SensorReading } from '@keel/contract';
import { describe, expect, it } from 'vitest';
import { recordBuilder } from './record-builder.js';

const reading = (status: string): SensorReading => ({ active: false, score: 0, status });
const here = path.dirname(fileURLToPath(import.meta.url));

describe('recordBuilder', () => {
  it('keys readings by id in run order, for the whole step and for each prefix', () => {
    const ids = ['zeta', 'alpha', 'mid-1'];
    const readings = ids.map(reading);
    const build = recordBuilder(ids);
    const whole = build(readings, 3);
    expect(Object.keys(whole)).toEqual(['zeta', 'alpha', 'mid-1']);
    expect(whole.alpha).toBe(readings[1]);
    expect(Object.keys(build(readings, 1))).toEqual(['zeta']);
    expect(build(readings, 0)).toEqual({});
    // A fresh, plain, extensible record per call: the caller decides whether to freeze it.
    const again = build(readings, 3);
    expect(again).not.toBe(whole);
    expect(again).toEqual(whole);
    expect(Object.getPrototypeOf(again)).toBe(Object.prototype);
    expect(Object.isFrozen(again)).toBe(false);
    expect(JSON.parse(JSON.stringify(again))).toEqual(whole);
  });

  it('treats ids as data: a `__proto__` id is an own key and never a prototype', () => {
    const ids = ['__proto__', 'x-1', 'has "quotes" and \\ backslash'];
    const readings = ids.map(reading);
    const out = recordBuilder(ids)(readings, 3);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(ids);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toBe(readings[0]);
    expect(out['has "quotes" and \\ backslash']).toBe(readings[2]);
    // The same awkward ids without `__proto__` take the generated path and come out the same.
    const rest = recordBuilder(ids.slice(1))(readings.slice(1), 2);
    expect(Object.keys(rest)).toEqual(ids.slice(1));
    expect(rest['has "quotes" and \\ backslash']).toBe(readings[2]);
  });

  it('works, and so does a whole host step, where code generation from strings is refused', async () => {
    const src = (file: string): string => pathToFileURL(path.join(here, file)).href;
    const script = `
      let refused = false;
      try { new Function('return 1'); } catch { refused = true; }
      const { recordBuilder } = await import(${JSON.stringify(src('record-builder.ts'))});
      const { createHost, createLogger } = await import(${JSON.stringify(src('index.ts'))});
      const plugin = (id, score) => ({ id, name: id, version: '1.0.0', category: 'diag', warmup: 0, window: 2,
        onBar: () => ({ active: true, score, status: 'ok' }) });
      const host = createHost({ cache: { memory: true }, services: { logger: createLogger({ level: 'silent' }) } });
      const { errors } = await host.load([plugin('a-1', 0.25), plugin('b-2', 0.5)]);
      const step = host.step({ time: 1, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 });
      await host.dispose();
      console.log(JSON.stringify({
        refused,
        errors: errors.length,
        record: recordBuilder(['a', 'b'])([1, 2], 2),
        plugins: step.plugins,
      }));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--disallow-code-generation-from-strings',
        '--conditions=@keel/source',
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        script,
      ],
      { cwd: here, timeout: 60_000 },
    );
    const out = JSON.parse(stdout.trim().split('\n').at(-1) as string) as Record<string, unknown>;
    expect(out).toEqual({
      refused: true,
      errors: 0,
      record: { a: 1, b: 2 },
      plugins: {
        'a-1': { active: true, score: 0.25, status: 'ok' },
        'b-2': { active: true, score: 0.5, status: 'ok' },
      },
    });
  }, 90_000); // a child process, tsx start-up included: the test's limit covers the child's own
});
