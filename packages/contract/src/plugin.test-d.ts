import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { HostContext } from './host-context.js';
import { definePlugin } from './plugin.js';
import type { SensorReading } from './reading.js';

describe('definePlugin types', () => {
  it('infers the config type from the zod schema in every hook', () => {
    definePlugin({
      id: 'typed',
      name: 'Typed',
      version: '1.0.0',
      category: 'alpha',
      config: z.object({ period: z.number().default(14), symbol: z.string().optional() }),
      setup(ctx) {
        expectTypeOf(ctx.config).toEqualTypeOf<{ period: number; symbol?: string | undefined }>();
      },
      onBar({ config, ctx, window, signal }) {
        expectTypeOf(config.period).toBeNumber();
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
        expectTypeOf(ctx).toEqualTypeOf<HostContext<{ period: number; symbol?: string | undefined }>>();
        expectTypeOf(window.close.at(-1)).toEqualTypeOf<number | undefined>();
        return { active: false, score: 0, status: 'ok' };
      },
      schedule: [
        {
          when: '@close',
          run(ctx) {
            expectTypeOf(ctx.config.period).toBeNumber();
            return { success: true };
          },
        },
      ],
    });
  });

  it('gives an empty config without a schema and checks readings', () => {
    definePlugin({
      id: 'plain',
      name: 'Plain',
      version: '1.0.0',
      category: 'diag',
      onBar({ config }) {
        expectTypeOf(config).toEqualTypeOf<Record<string, never>>();
        const reading: SensorReading = { active: true, score: 1, status: 'x', extra: { a: [1, 'b', null] } };
        return reading;
      },
    });
    // @ts-expect-error a reading needs status
    const bad: SensorReading = { active: true, score: 1 };
    void bad;
  });

  it('gives onBar the signal of the current call, read-only', () => {
    definePlugin({
      id: 'signalled',
      name: 'Signalled',
      version: '1.0.0',
      category: 'diag',
      async onBar(args) {
        expectTypeOf(args.signal).toEqualTypeOf<AbortSignal>();
        expectTypeOf(args.ctx.signal).toEqualTypeOf<AbortSignal>();
        // @ts-expect-error the call's signal is read-only
        args.signal = new AbortController().signal;
        await new Promise((resolve) => setTimeout(resolve, 1));
        return { active: !args.signal.aborted, score: 0, status: 'ok' };
      },
    });
  });
});
