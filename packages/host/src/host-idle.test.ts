import { definePlugin, type KeelPlugin } from '@keel/contract';
import { describe, expect, it } from 'vitest';
import { createHost } from './host.js';
import { createLogger } from './logger.js';

const quiet = () => createLogger({ level: 'silent' });
// Three turns of the event loop: longer than the bus takes to deliver, with no wall-clock sleep.
const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

function listener(id: string, seen: string[]): KeelPlugin {
  return definePlugin({
    id,
    name: id,
    version: '1.0.0',
    category: 'diag',
    schedule: [
      {
        when: 'on:ping',
        async run(_ctx, tick) {
          await turns(3);
          seen.push(`${id}:${String(tick.event?.data)}`);
          return { success: true };
        },
      },
    ],
  });
}

describe('host.idle()', () => {
  it('waits for on:<type> runs that delivering an event started', async () => {
    const seen: string[] = [];
    const host = createHost({ cache: { memory: true }, services: { logger: quiet() } });
    await host.load([listener('listener', seen)]);
    host.bus.publish('ping', 'one');
    await host.idle();
    expect(seen).toEqual(['listener:one']);
    expect(host.runs().map((r) => [r.plugin, r.success])).toEqual([['listener', true]]);
    await host.dispose();
  });

  it('waits through a chain: an event job publishes an event that starts another job', async () => {
    const seen: string[] = [];
    const relay = definePlugin({
      id: 'relay',
      name: 'relay',
      version: '1.0.0',
      category: 'diag',
      schedule: [
        {
          when: 'on:start',
          async run(ctx) {
            await turns(2);
            ctx.bus.publish('ping', 'relayed');
            return { success: true };
          },
        },
      ],
    });
    const host = createHost({ cache: { memory: true }, services: { logger: quiet() } });
    await host.load([relay, listener('listener', seen)]);
    host.bus.publish('start', null);
    await host.idle();
    expect(seen).toEqual(['listener:relayed']);
    expect(host.runs().map((r) => r.plugin)).toEqual(['relay', 'listener']);
    await host.dispose();
  });

  it('in a replay, an event an async onBar publishes has its on: run finished before the next bar', async () => {
    const order: string[] = [];
    const publisher = definePlugin({
      id: 'publisher',
      name: 'publisher',
      version: '1.0.0',
      category: 'diag',
      warmup: 0,
      window: 2,
      setup(ctx) {
        publisherBus = ctx.bus;
      },
      async onBar({ bar }) {
        order.push(`bar ${bar.time}`);
        publisherBus?.publish('ping', bar.time);
        // Long enough for the bus to deliver the event while this bar is still in flight.
        await turns(2);
        return { active: false, score: 0, status: 'ok' };
      },
    });
    let publisherBus: { publish(type: string, data: number): void } | undefined;
    const listenerPlugin = definePlugin({
      id: 'listener',
      name: 'listener',
      version: '1.0.0',
      category: 'diag',
      schedule: [
        {
          when: 'on:ping',
          async run(_ctx, tick) {
            await turns(4);
            order.push(`run ${String(tick.event?.data)}`);
            return { success: true };
          },
        },
      ],
    });
    const host = createHost({ cache: { memory: true }, services: { logger: quiet() } });
    await host.load([publisher, listenerPlugin]);
    const base = Date.parse('2024-07-02T14:00:00Z');
    const bars = [0, 1, 2].map((i) => ({
      time: base + i * 60_000,
      open: 1,
      high: 1,
      low: 1,
      close: 1,
      volume: 1,
    }));
    await host.replay(bars);
    expect(order).toEqual([
      `bar ${bars[0]!.time}`,
      `run ${bars[0]!.time}`,
      `bar ${bars[1]!.time}`,
      `run ${bars[1]!.time}`,
      `bar ${bars[2]!.time}`,
      `run ${bars[2]!.time}`,
    ]);
    await host.dispose();
  });
});
