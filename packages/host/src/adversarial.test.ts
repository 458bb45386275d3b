import { type Bar, definePlugin, type KeelPlugin, type SensorReading } from '@keel/contract';
import { describe, expect, it } from 'vitest';
import { createHost, type HostOptions } from './host.js';
import { createLogger } from './logger.js';
import type { HostStepResult, StepOutcome } from './pipeline.js';
import { generateBars } from './synthetic-bars.js';

// What a hostile or careless plugin can and cannot do to the host and to other plugins.

const rogue = (id: string, onBar: KeelPlugin['onBar'], extra: Partial<KeelPlugin> = {}): KeelPlugin =>
  definePlugin({
    id,
    name: id,
    version: '1.0.0',
    category: 'diag',
    warmup: 0,
    window: 8,
    onBar,
    ...extra,
  } as KeelPlugin);

const witness = (): KeelPlugin =>
  rogue(
    'witness',
    ({ bar, window, step }) => ({
      active: false,
      score: 0,
      status: 'ok',
      close: bar.close,
      closes: [...window.close.values()],
      seen: Object.keys(step.plugins).length,
    }),
    { layer: 'L4' },
  );

async function runOne(plugin: KeelPlugin, options: HostOptions = {}, count = 3): Promise<HostStepResult[]> {
  const host = createHost({ ...options, services: { logger: createLogger({ level: 'silent' }) } });
  const { errors } = await host.load([plugin, witness()]);
  expect(errors).toEqual([]);
  const out: HostStepResult[] = [];
  await host.replay(generateBars({ count, seed: 9 }), { onStep: (r) => out.push(r) });
  return out;
}

const statusOf = (results: HostStepResult[], id: string) => results.map((r) => r.plugins[id]?.status);

describe('hostile throws', () => {
  it.each<[string, () => unknown, string]>([
    ['a string', () => 'str', 'ERROR: non-error thrown: "str"'],
    ['undefined', () => undefined, 'ERROR: non-error thrown: undefined'],
    ['a symbol', () => Symbol('s'), 'ERROR: non-error thrown: Symbol(s)'],
    ['an object', () => ({ code: 42 }), 'ERROR: non-error thrown: {"code":42}'],
    ['an Error without message', () => new RangeError(), 'ERROR: RangeError'],
    ['a multi-line message', () => new Error('line one\nline two'), 'ERROR: line one line two'],
    [
      'an Error whose message getter throws',
      () => {
        const e = new Error('x');
        Object.defineProperty(e, 'message', {
          get() {
            throw new Error('gotcha');
          },
        });
        return e;
      },
      'ERROR: non-error thrown: [unprintable]',
    ],
  ])('turns a thrown %s into an ERROR reading', async (_name, make, expected) => {
    const results = await runOne(
      rogue('thrower', () => {
        throw make();
      }),
    );
    expect(statusOf(results, 'thrower')).toEqual([expected, expected, expected]);
    expect(results[2]?.plugins.witness?.status).toBe('ok');
  });
});

describe('hostile readings', () => {
  const cyclic: Record<string, unknown> = { active: true, score: 1, status: 'x' };
  cyclic.self = { back: cyclic };
  class Reading {
    active = true;
    score = 1;
    status = 'x';
  }
  it.each<[string, () => unknown, string]>([
    ['a Date', () => new Date(0), 'ERROR: contract: reading must be a plain object'],
    ['a Map', () => new Map(), 'ERROR: contract: reading must be a plain object'],
    ['a class instance', () => new Reading(), 'ERROR: contract: reading must be a plain object'],
    [
      'an extra Date',
      () => ({ active: true, score: 1, status: 'x', at: new Date() }),
      'ERROR: contract: extras.at is a Date',
    ],
    [
      'an extra Map',
      () => ({ active: true, score: 1, status: 'x', m: new Map() }),
      'ERROR: contract: extras.m is a Map',
    ],
    ['a cyclic extra', () => cyclic, 'ERROR: contract: extras.self.back.self is a circular reference'],
    [
      'a typed array',
      () => ({ active: true, score: 1, status: 'x', v: new Float64Array(2) }),
      'ERROR: contract: extras.v is a typed array',
    ],
    [
      'a function',
      () => ({ active: true, score: 1, status: 'x', f: () => 1 }),
      'ERROR: contract: extras.f is a function',
    ],
    ['undefined', () => undefined, 'ERROR: contract: reading must be an object, got undefined'],
    [
      'a huge status',
      () => ({ active: true, score: 1, status: 'x'.repeat(10_000_000) }),
      'ERROR: contract: status is longer than 200 characters',
    ],
    [
      'a score out of range',
      () => ({ active: true, score: 2, status: 'x' }),
      'ERROR: contract: score 2 is outside 0..1',
    ],
    [
      'Infinity',
      () => ({ active: true, score: 1, status: 'x', n: [1, Number.POSITIVE_INFINITY] }),
      'ERROR: contract: extras.n[1] is Infinity',
    ],
  ])('turns %s into an ERROR reading naming the path', async (_name, make, expected) => {
    const results = await runOne(rogue('rogue', () => make() as SensorReading));
    expect(statusOf(results, 'rogue')).toEqual([expected, expected, expected]);
    expect(results[0]?.errors[0]?.kind).toBe('CONTRACT');
    expect(() => JSON.stringify(results)).not.toThrow();
  });

  it('survives a Proxy whose traps throw and a getter that throws', async () => {
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    );
    // Only the prototype trap throws: the host may never ask it (plain objects are recognised by
    // their constructor), and the empty copy of the proxy is then refused by the contract.
    const sly = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    );
    expect(statusOf(await runOne(rogue('sly', () => sly as SensorReading)), 'sly')[0]).toMatch(
      /^ERROR: contract: /,
    );
    const getter = {
      active: true,
      score: 1,
      get status(): string {
        throw new Error('getter');
      },
    };
    // Every read throws, starting with the host's look for a `then`: an ERROR naming the trap.
    expect(statusOf(await runOne(rogue('proxy', () => proxy as SensorReading)), 'proxy')[0]).toMatch(
      /^ERROR: .*trap$/,
    );
    expect(statusOf(await runOne(rogue('getter', () => getter as SensorReading)), 'getter')[0]).toBe(
      'ERROR: contract: reading could not be read: getter',
    );
  });

  it('never publishes an unchecked value: a getter that changes its answer cannot sneak a NaN past validation', async () => {
    // Required keys first (the documented order): one pass reads each property once.
    let reads = 0;
    const shifty = {
      active: true,
      get score(): number {
        reads++;
        return reads === 1 ? 0.5 : Number.NaN;
      },
      status: 'x',
    };
    const results = await runOne(
      rogue('shifty', () => shifty as SensorReading),
      {},
      1,
    );
    expect(results[0]?.plugins.shifty?.score).toBe(0.5);
    expect(reads).toBe(1);
    expect(() => JSON.stringify(results)).not.toThrow();

    // Another key order takes the general path, which reads again: whatever it reads is what is checked.
    let sneakyReads = 0;
    const sneaky = {
      active: true,
      status: 'x',
      get score(): number {
        sneakyReads++;
        return sneakyReads === 1 ? 0.5 : Number.NaN;
      },
    };
    const sneakyResults = await runOne(
      rogue('sneaky', () => sneaky as SensorReading),
      {},
      1,
    );
    expect(sneakyResults[0]?.plugins.sneaky?.status).toBe('ERROR: contract: score is NaN');
    expect(() => JSON.stringify(sneakyResults)).not.toThrow();
  });

  it('publishes a copy: a plugin that reuses and mutates its reading object cannot rewrite history', async () => {
    const reused: SensorReading = { active: false, score: 0, status: 'first', nested: { n: 1 } };
    let call = 0;
    const results = await runOne(
      rogue('reuser', () => {
        call++;
        reused.status = `call ${call}`;
        (reused.nested as { n: number }).n = call;
        return reused;
      }),
    );
    expect(
      results.map((r) => [
        r.plugins.reuser?.status,
        (r.plugins.reuser?.nested as { n: number } | undefined)?.n,
      ]),
    ).toEqual([
      ['call 1', 1],
      ['call 2', 2],
      ['call 3', 3],
    ]);
  });

  it('does not resolve a thenable-looking reading with a throwing then getter as anything but an error', async () => {
    const weird = {
      active: true,
      score: 1,
      status: 'x',
      // biome-ignore lint/suspicious/noThenProperty: the point is a reading that looks like a thenable
      get then(): unknown {
        throw new Error('then trap');
      },
    };
    expect(statusOf(await runOne(rogue('weird', () => weird as unknown as SensorReading)), 'weird')[0]).toBe(
      'ERROR: then trap',
    );
  });
});

describe('hostile writes', () => {
  it('cannot mutate the bar, the step or earlier readings (frozen; strict-mode writes fail the writer only)', async () => {
    const attempts: string[] = [];
    const early = rogue('early', () => ({ active: true, score: 0.25, status: 'early', tags: ['a'] }), {
      layer: 'L1',
    });
    const vandal = rogue(
      'vandal',
      ({ bar, step }) => {
        const tries: Array<[string, () => void]> = [
          ['bar.close', () => ((bar as { close: number }).close = 0)],
          ['bar.extra', () => ((bar as unknown as Record<string, number>).extra = 1)],
          ['step.index', () => ((step as { index: number }).index = 99)],
          ['step.sensors.push', () => (step.sensors as unknown[]).push({})],
          ['step.plugins.early.score', () => ((step.plugins.early as { score: number }).score = 1)],
          ['step.plugins.early.tags', () => (step.plugins.early?.tags as string[] | undefined)?.push('b')],
          ['step.sensors[0].active', () => ((step.sensors[0] as { active: boolean }).active = false)],
          ['defineProperty bar.open', () => Object.defineProperty(bar, 'open', { value: -1 })],
        ];
        for (const [name, attempt] of tries) {
          try {
            attempt();
            attempts.push(`${name}: allowed`);
          } catch {
            attempts.push(`${name}: refused`);
          }
        }
        return { active: false, score: 0, status: 'tried' };
      },
      { layer: 'L2' },
    );
    const host = createHost({ services: { logger: createLogger({ level: 'silent' }) } });
    await host.load([early, vandal, witness()]);
    const bar = [...generateBars({ count: 1, seed: 2 })][0] as Bar;
    const r = host.step(bar) as StepOutcome;
    expect(attempts.every((a) => a.endsWith('refused'))).toBe(true);
    expect(r.kind === 'step' && r.plugins.early).toEqual({
      active: true,
      score: 0.25,
      status: 'early',
      tags: ['a'],
    });
    expect(r.kind === 'step' && r.plugins.witness?.close).toBe(bar.close);
    expect(r.kind === 'step' && r.index).toBe(0);
  });

  it('detects and repairs writes into window.values() with guardWindows', async () => {
    let n = 0;
    const scribbler = rogue(
      'scribbler',
      ({ window }) => {
        n++;
        if (n === 2) window.close.values()[0] = -1;
        return { active: false, score: 0, status: 'ok' };
      },
      { layer: 'L1' },
    );
    const guarded = await runOne(scribbler, { guardWindows: true }, 4);
    expect(statusOf(guarded, 'scribbler')).toEqual([
      'ok',
      'ERROR: wrote into window.close.values(); the window was restored',
      'ok',
      'ok',
    ]);
    expect(guarded[1]?.plugins.witness?.closes).not.toContain(-1);
    // Without the guard a write is not prevented (typed arrays cannot be made read-only): documented.
    n = 0;
    const open = await runOne(scribbler, {}, 4);
    expect((open[1]?.plugins.witness?.closes as number[] | undefined)?.[0]).toBe(-1);
  });

  it('gives each plugin its own logger scope and context; ctx is frozen', async () => {
    let ctxFrozen = false;
    const host = createHost({ services: { logger: createLogger({ level: 'silent' }) } });
    await host.load([
      rogue('ctx-check', ({ ctx }) => {
        ctxFrozen = Object.isFrozen(ctx);
        return { active: false, score: 0, status: ctx.pluginId };
      }),
    ]);
    const r = host.step([...generateBars({ count: 1 })][0] as Bar) as StepOutcome;
    expect(ctxFrozen).toBe(true);
    expect(r.kind === 'step' && r.plugins['ctx-check']?.status).toBe('ctx-check');
  });
});

describe('hostile promises and async window writes (review findings)', () => {
  const quiet = { services: { logger: createLogger({ level: 'silent' }) } };
  const barsHere = [...generateBars({ count: 4, seed: 3 })];

  it('a promise whose constructor getter throws is an ERROR for that plugin only; the step resolves', async () => {
    const host = createHost({ cache: { memory: true }, ...quiet });
    await host.load([
      rogue('evil', () => {
        const p = Promise.resolve({ active: true, score: 1, status: 'x' });
        Object.defineProperty(p, 'constructor', {
          get() {
            throw new Error('constructor trap');
          },
        });
        return p as unknown as SensorReading;
      }),
      rogue('good', () => ({ active: true, score: 0.5, status: 'ok' })),
    ]);
    const out = (await host.step(barsHere[0]!)) as HostStepResult;
    expect(out.kind).toBe('step');
    expect(out.plugins.good).toEqual({ active: true, score: 0.5, status: 'ok' });
    expect(out.plugins.evil?.status).toBe('ERROR: constructor trap');
    await host.dispose();
  });

  it('with guardWindows, an async plugin that writes into the window is blamed, not its neighbour', async () => {
    const host = createHost({ cache: { memory: true }, guardWindows: true, ...quiet });
    await host.load([
      rogue('scribbler', async ({ window }) => {
        window.close.values()[0] = 1e9;
        await null;
        return { active: false, score: 0, status: 'a' };
      }),
      rogue('innocent', ({ window }) => ({ active: true, score: 0, status: String(window.close.at(0)) })),
    ]);
    for (const bar of barsHere) {
      const out = (await host.step(bar)) as HostStepResult;
      expect(out.errors.map((e) => e.plugin)).toEqual(['scribbler']);
      expect(out.plugins.innocent?.status).toBe(String(barsHere[0]!.close));
    }
    await host.dispose();
  });
});
