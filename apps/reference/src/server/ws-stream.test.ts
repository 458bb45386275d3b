import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { defaultPlugins } from '../../test/default-plugins.js';
import { testConfig } from '../../test/server-fixture.js';
import { createServer } from './create-server.js';
import type { ServerMessage } from './messages.js';

let dir: string;
const cleanup: Array<() => unknown> = [];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keel-ws-'));
});
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function listen(options: Partial<Parameters<typeof createServer>[0]>, sessions = 3) {
  const { loaded, env } = await testConfig(dir, sessions);
  const server = await createServer({ loaded, env, signals: false, ...options });
  cleanup.push(() => server.close());
  const base = await server.listen({ host: '127.0.0.1', port: 0 });
  return { server, base, wsUrl: `${base.replace('http', 'ws')}/ws` };
}

function collect(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url, { headers });
  const messages: ServerMessage[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage));
  cleanup.push(() => socket.terminate());
  return { socket, messages };
}

// Waits for a state, never for a guessed time; the deadline only turns a hang into a failure.
async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('/ws stream', { timeout: 60_000 }, () => {
  it('sends a snapshot, then step, event, run and progress messages that continue it without gaps', async () => {
    // 234 bars at 400 bars/s on an injected clock: its sleeps advance virtual time at once, except
    // that the replay holds at bar 60 until this client has its snapshot. So the snapshot carries
    // the first ~60 steps and the rest arrives live, on any machine, however late the client connects.
    let t = 0;
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const pacing = {
      now: () => t,
      sleep: async (ms: number) => {
        // Bar 60 is due at 150 ms: bars 0–61 have gone out when the clock first waits from there.
        if (t >= 150) await gate;
        await tick();
        t += ms;
      },
    };
    const { server, wsUrl } = await listen({ speed: 400, pacing });
    const { messages } = collect(wsUrl);
    await until(() => messages[0]?.type === 'snapshot', 'the snapshot');
    openGate();
    await until(
      () => messages.some((m) => m.type === 'progress' && m.progress.state === 'done'),
      'the replay to finish',
    );
    const [first, ...live] = messages;
    expect(first?.type).toBe('snapshot');
    if (first?.type !== 'snapshot') return;
    expect(first.steps.length).toBeLessThanOrEqual(62);
    const liveSteps = live.flatMap((m) => (m.type === 'step' ? [m.step] : []));
    expect(liveSteps.length).toBeGreaterThanOrEqual(234 - 62);
    const indexes = [...first.steps, ...liveSteps].map((s) => s.index);
    expect(indexes).toEqual(Array.from({ length: 234 }, (_, i) => i));
    // Every plugin of the default config, in run order: by layer, then config order.
    const runOrder = (await defaultPlugins()).map((p) => p.id);
    expect(liveSteps[0]?.sensors.map((s) => s.plugin)).toEqual(runOrder);

    const events = [...first.events, ...live.flatMap((m) => (m.type === 'event' ? [m.event] : []))];
    expect(events.filter((e) => e.type === 'session.closed')).toHaveLength(3);
    const runs = [...first.runs, ...live.flatMap((m) => (m.type === 'run' ? [m.run] : []))];
    expect(runs.map((r) => r.job)).toEqual(['session-close', 'session-close', 'session-close']);
    const progress = live.flatMap((m) => (m.type === 'progress' ? [m.progress] : []));
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.at(-1)).toMatchObject({ state: 'done', processed: 234, total: 234, speed: 400 });
    expect(server.keel.fanout.stats().dropped).toBe(0);
  });

  it('refuses a WebSocket from a foreign origin', async () => {
    const { wsUrl } = await listen({ replay: false });
    const { socket } = collect(wsUrl, { origin: 'http://attacker.example' });
    socket.on('error', () => {});
    // Refused before the upgrade: a plain HTTP 403, no WebSocket is ever opened.
    const status = await new Promise<number>((resolve) =>
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(403);
  });
});

/** A client that completes the upgrade request and then never reads a byte. */
async function stalledClient(base: string): Promise<net.Socket> {
  const { hostname, port } = new URL(base);
  const socket = net.connect({ host: hostname, port: Number(port) });
  cleanup.push(() => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.pause();
  socket.write(
    [
      'GET /ws HTTP/1.1',
      `Host: ${hostname}:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      '',
      '',
    ].join('\r\n'),
  );
  return socket;
}

describe('slow clients', { timeout: 60_000 }, () => {
  it('a client that never reads is held to its queue bound and counted, while the others get everything', async () => {
    const queueLimit = 64;
    const maxInFlightBytes = 16 * 1024;
    const { server, base, wsUrl } = await listen({ speed: 0, ws: { queueLimit, maxInFlightBytes } }, 10);
    await stalledClient(base);
    await until(() => server.keel.fanout.clients === 1, 'the stalled client');
    const stalledId = server.keel.fanout.stats().perClient[0]!.id;
    const fast = collect(wsUrl);
    await until(() => server.keel.fanout.clients === 2, 'both clients');
    // The replay is not held back by the stalled client.
    const summary = await server.keel.feed.done;
    expect(summary?.accepted).toBe(780);

    const filler = 'x'.repeat(8 * 1024);
    const total = 3000;
    const fastStats = () => server.keel.fanout.stats().perClient.find((c) => c.id !== stalledId)!;
    let maxQueued = 0;
    for (let i = 0; i < total; i += 32) {
      for (let j = i; j < Math.min(total, i + 32); j++) {
        server.keel.fanout.broadcast({ type: 'event', event: { seq: j, type: 'test.fill', data: filler } });
      }
      const stalled = server.keel.fanout.stats().perClient.find((c) => c.id === stalledId)!;
      maxQueued = Math.max(maxQueued, stalled.queued);
      expect(stalled.inFlightBytes).toBeLessThanOrEqual(maxInFlightBytes + 9 * 1024);
      // Let the reading client drain so only the stalled one falls behind.
      await until(() => fastStats().queued === 0 && fastStats().inFlightBytes === 0, 'the fast client');
      await tick();
    }
    const stalled = server.keel.fanout.stats().perClient.find((c) => c.id === stalledId)!;
    expect(maxQueued).toBeLessThanOrEqual(queueLimit);
    expect(stalled.queued).toBe(queueLimit);
    expect(stalled.dropped).toBeGreaterThan(0);
    expect(server.keel.fanout.stats().dropped).toBe(stalled.dropped);
    expect(fastStats().dropped).toBe(0);
    await until(
      () => fast.messages.filter((m) => m.type === 'event' && m.event.type === 'test.fill').length === total,
      'every message at the fast client',
    );
    const health = (await (await fetch(`${base}/api/health`)).json()) as { ws: { dropped: number } };
    expect(health.ws.dropped).toBe(stalled.dropped);
  });
});
