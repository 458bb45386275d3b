import type { BusEvent } from '@keel/contract';
import { describe, expect, it } from 'vitest';
import { createEventBus } from './event-bus.js';
import { createManualClock } from './manual-clock.js';

describe('createEventBus', () => {
  it('delivers { type, data, source, time } to exact, prefix and wildcard subscribers', async () => {
    const clock = createManualClock(1_000);
    const bus = createEventBus({ clock });
    const seen: string[] = [];
    let last: BusEvent | undefined;
    bus.on('signal.updated', (e) => {
      seen.push(`exact:${e.type}`);
      last = e;
    });
    bus.on('signal.*', (e) => void seen.push(`prefix:${e.type}`));
    bus.on('*', (e) => void seen.push(`all:${e.type}`));
    bus.on('signals', (e) => void seen.push(`other:${e.type}`));
    bus.forPlugin('atr-burst').publish('signal.updated', { score: 0.5 });
    bus.publish('bar.closed', 1);
    await bus.idle();
    expect(seen).toEqual([
      'exact:signal.updated',
      'prefix:signal.updated',
      'all:signal.updated',
      'all:bar.closed',
    ]);
    expect(last).toEqual({ type: 'signal.updated', data: { score: 0.5 }, source: 'atr-burst', time: 1_000 });
    expect(bus.stats()).toMatchObject({
      published: 2,
      delivered: 4,
      dropped: 0,
      handlerErrors: 0,
      queued: 0,
    });
  });

  it('never runs handlers inside publish, so a slow handler cannot block the publisher', async () => {
    const bus = createEventBus();
    const order: string[] = [];
    bus.on('tick', () => {
      order.push('handler');
    });
    bus.publish('tick', null);
    order.push('after publish');
    await bus.idle();
    expect(order).toEqual(['after publish', 'handler']);
  });

  it('keeps delivering to the others when one handler throws on every event, and counts it', async () => {
    const errors: Array<[string, string]> = [];
    const bus = createEventBus({
      onHandlerError: (error, event, who) =>
        void errors.push([who, `${event.type}:${(error as Error).message}`]),
    });
    const got: number[] = [];
    bus.forPlugin('bad').on('*', () => {
      throw new Error('boom');
    });
    bus.forPlugin('worse').on('*', async () => {
      throw new Error('async boom');
    });
    bus.on('n', (e) => void got.push(e.data as number));
    for (let i = 0; i < 5; i++) bus.publish('n', i);
    await bus.idle();
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(bus.stats().handlerErrors).toBe(10);
    expect(errors.filter(([who]) => who === 'bad')).toHaveLength(5);
    expect(errors).toContainEqual(['worse', 'n:async boom']);
  });

  it('lets a handler subscribe and unsubscribe during dispatch, effective from the next event', async () => {
    const bus = createEventBus();
    const log: string[] = [];
    const offB = bus.on('e', (ev) => void log.push(`b${ev.data}`));
    bus.on('e', (ev) => {
      log.push(`a${ev.data}`);
      if (ev.data === 1) {
        offB();
        bus.on('e', (ev2) => void log.push(`c${ev2.data}`));
      }
    });
    const offSelf = bus.on('e', (ev) => {
      log.push(`d${ev.data}`);
      offSelf();
    });
    bus.publish('e', 1);
    bus.publish('e', 2);
    await bus.idle();
    // b was unsubscribed before its turn on event 1 came: it registered first, so it had run.
    expect(log).toEqual(['b1', 'a1', 'd1', 'a2', 'c2']);
  });

  it('drops the oldest event beyond the queue bound and counts the drops', async () => {
    const bus = createEventBus({ maxQueue: 3 });
    const got: unknown[] = [];
    bus.on('*', (e) => void got.push(e.data));
    for (let i = 0; i < 10; i++) bus.publish('n', i);
    expect(bus.stats()).toMatchObject({ queued: 3, dropped: 7 });
    await bus.idle();
    expect(got).toEqual([7, 8, 9]);
  });

  it('delivers events published by handlers on a later turn, keeping a publish loop bounded', async () => {
    const bus = createEventBus({ maxQueue: 4 });
    let count = 0;
    bus.on('ping', () => {
      count++;
      if (count < 100) bus.publish('ping', count);
    });
    bus.publish('ping', 0);
    expect(bus.flush()).toBe(1);
    expect(count).toBe(1);
    expect(bus.stats().queued).toBe(1);
    await bus.idle();
    expect(count).toBe(100);
  });

  it('hands every handler a frozen private copy of the data, leaving the publisher object alone', async () => {
    const bus = createEventBus();
    const data = { levels: [1, 2] };
    const errors: unknown[] = [];
    bus.on('x', (e) => {
      (e.data as { levels: number[] }).levels.push(3);
    });
    bus.on('x', (e) => void errors.push((e.data as { levels: number[] }).levels.length));
    bus.publish('x', data);
    data.levels.push(99);
    await bus.idle();
    expect(errors).toEqual([2]);
    expect(bus.stats().handlerErrors).toBe(1);
    expect(Object.isFrozen(data)).toBe(false);
  });

  it('rejects invalid types, patterns and data with codes naming the field', () => {
    const bus = createEventBus();
    expect(() => bus.publish('bad type', 1)).toThrow(expect.objectContaining({ code: 'BUS_INVALID_TYPE' }));
    expect(() => bus.publish('x.*', 1)).toThrow(expect.objectContaining({ code: 'BUS_INVALID_TYPE' }));
    expect(() => bus.publish('x', { v: Number.NaN })).toThrow('event x: data.v is NaN');
    expect(() => bus.on('a.*.b', () => {})).toThrow(expect.objectContaining({ code: 'BUS_INVALID_PATTERN' }));
    expect(() => createEventBus({ maxQueue: 0 })).toThrow(
      expect.objectContaining({ code: 'BUS_INVALID_OPTION' }),
    );
  });

  it('drops a plugin subscriptions with unsubscribeAll and goes quiet after dispose', async () => {
    const bus = createEventBus();
    const got: string[] = [];
    const p = bus.forPlugin('p');
    p.on('a', () => void got.push('p-a'));
    p.on('b', () => void got.push('p-b'));
    bus.on('a', () => void got.push('host-a'));
    expect(bus.unsubscribeAll('p')).toBe(2);
    bus.publish('a', null);
    await bus.idle();
    expect(got).toEqual(['host-a']);
    bus.dispose();
    bus.publish('a', null);
    await bus.idle();
    expect(got).toEqual(['host-a']);
  });
});
