import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { definePlugin } from '@keel/contract';
import { createHost, createLogger, type Host } from '@keel/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { appDir, testConfig } from '../../test/server-fixture.js';
import { runCli } from '../cli-main.js';
import type { LoadedConfig } from '../config.js';
import { createServer, type KeelServer } from './create-server.js';

const TOKEN = 'test-token-0123456789abcdef';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keel-security-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A host whose one RPC method counts its calls: an attack that reaches it shows in the count. */
async function probeHost(): Promise<{ host: Host; calls: () => number }> {
  let calls = 0;
  const host = createHost({
    cache: { memory: true },
    services: { logger: createLogger({ level: 'error' }) },
  });
  const { errors } = await host.load([
    definePlugin({
      id: 'probe',
      name: 'Probe',
      version: '1.0.0',
      category: 'diag',
      setup(ctx) {
        ctx.rpc.register('probe.count', () => ++calls);
      },
      schedule: [{ name: 'tick', when: '@close', run: () => ({ success: true }) }],
    }),
  ]);
  expect(errors).toEqual([]);
  return { host, calls: () => calls };
}

interface Route {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly open?: boolean;
  readonly body?: string;
}

/** Every route the server has; `open` ones answer without a token. */
const ROUTES: readonly Route[] = [
  { method: 'GET', url: '/', open: true },
  { method: 'GET', url: '/app.js', open: true },
  { method: 'GET', url: '/api/health', open: true },
  { method: 'GET', url: '/api/plugins' },
  { method: 'GET', url: '/api/runs' },
  { method: 'GET', url: '/api/next-runs' },
  { method: 'GET', url: '/api/panels' },
  { method: 'GET', url: '/api/steps' },
  { method: 'GET', url: '/api/events' },
  { method: 'GET', url: '/api/signals' },
  { method: 'GET', url: '/metrics' },
  { method: 'POST', url: '/api/rpc/probe.count' },
  { method: 'POST', url: '/api/plugins/probe/enable' },
  { method: 'POST', url: '/api/jobs/probe/tick/run' },
  { method: 'POST', url: '/api/events', body: '{"type":"ops.matrix"}' },
];

/** A non-loopback address of this machine, as a LAN client would put it in `Host`. */
function lanAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const info of list ?? []) if (!info.internal && info.family === 'IPv4') return info.address;
  }
  return undefined;
}

describe('auth matrix: token set/unset × loopback/non-loopback bind × every route (inject)', () => {
  const lan = lanAddress();
  const modes = [
    { token: undefined, bindHost: '127.0.0.1', host: '127.0.0.1:8080' },
    { token: TOKEN, bindHost: '127.0.0.1', host: 'localhost:8080' },
    // `keel serve` refuses a non-loopback bind without a token (tested below); in code it is the
    // caller's choice, and the same checks hold.
    { token: undefined, bindHost: '0.0.0.0', host: `${lan ?? '127.0.0.1'}:8080` },
    { token: TOKEN, bindHost: '0.0.0.0', host: `${lan ?? '127.0.0.1'}:8080` },
  ] as const;
  for (const mode of modes) {
    describe(`token ${mode.token === undefined ? 'unset' : 'set'}, bind ${mode.bindHost}`, () => {
      let server: KeelServer;
      let host: Host;
      let calls: () => number;
      beforeAll(async () => {
        ({ host, calls } = await probeHost());
        const { loaded, env } = await testConfig(dir, 1);
        server = await createServer({
          loaded,
          env,
          host,
          replay: false,
          signals: false,
          bindHost: mode.bindHost,
          ...(mode.token === undefined ? {} : { token: mode.token }),
        });
      });
      afterAll(async () => {
        await server.close();
        await host.dispose();
      });

      for (const route of ROUTES) {
        it(`${route.method} ${route.url}`, async () => {
          const send = (authorization?: string) =>
            server.inject({
              method: route.method,
              url: route.url,
              headers: {
                host: mode.host,
                ...(authorization === undefined ? {} : { authorization }),
                ...(route.method === 'POST' ? { 'content-type': 'application/json' } : {}),
              },
              ...(route.method === 'POST' ? { payload: route.body ?? '{}' } : {}),
            });
          const before = calls();
          const bare = await send();
          const ok = route.method === 'POST' && route.url === '/api/events' ? 202 : 200;
          if (mode.token === undefined || route.open === true) {
            expect(bare.statusCode).toBe(ok);
          } else {
            expect(bare.statusCode).toBe(401);
            expect(bare.headers['www-authenticate']).toContain('Bearer');
            expect(bare.json()).toMatchObject({ code: 'UNAUTHORIZED', field: 'authorization' });
            expect(calls()).toBe(before);
            const wrong = await send(`Bearer ${TOKEN}x`);
            expect(wrong.statusCode).toBe(401);
            expect(wrong.body).not.toContain(TOKEN);
            expect((await send(TOKEN)).statusCode, 'a token without the Bearer scheme').toBe(401);
            const right = await send(`Bearer ${TOKEN}`);
            expect(right.statusCode).toBe(ok);
          }
          // A rebinding page reaches the same socket under its own name: refused in every mode.
          const evil = await server.inject({
            method: route.method,
            url: route.url,
            headers: {
              host: 'rebind.attacker.example:8080',
              ...(mode.token === undefined ? {} : { authorization: `Bearer ${TOKEN}` }),
              ...(route.method === 'POST' ? { 'content-type': 'application/json' } : {}),
            },
            ...(route.method === 'POST' ? { payload: route.body ?? '{}' } : {}),
          });
          expect(evil.statusCode).toBe(421);
          expect(evil.json().code).toBe('HOST_NOT_ALLOWED');
        });
      }

      it('counts exactly the authorised RPC calls', async () => {
        const before = calls();
        const res = await server.inject({
          method: 'POST',
          url: '/api/rpc/probe.count',
          headers: {
            host: mode.host,
            'content-type': 'application/json',
            ...(mode.token === undefined ? {} : { authorization: `Bearer ${TOKEN}` }),
          },
          payload: '{}',
        });
        expect(res.json()).toEqual({ result: before + 1 });
      });
    });
  }
});

describe('keel serve: bind rules', () => {
  function sink(): { stream: Writable; text: () => string } {
    let text = '';
    const stream = new Writable({
      write(chunk, _enc, done) {
        text += String(chunk);
        done();
      },
    });
    return { stream, text: () => text };
  }

  it('refuses a non-loopback address without a token: exit 1, a clear message, nothing bound', async () => {
    const out = sink();
    const err = sink();
    const code = await runCli(['serve', '--host', '0.0.0.0', '--port', '0'], {
      stdout: out.stream,
      stderr: err.stream,
      cwd: dir,
    });
    expect(code).toBe(1);
    expect(err.text()).toContain(
      'error SERVE_TOKEN_REQUIRED: --host 0.0.0.0: a non-loopback address needs an API token',
    );
    expect(err.text()).toContain('hint: set KEEL_TOKEN');
    expect(out.text()).not.toContain('Keel dashboard:');
  });

  it('rejects a short token by naming where it came from, never its value', async () => {
    const err = sink();
    const code = await runCli(['serve', '--token', 'short$secret', '--port', '0'], {
      stdout: sink().stream,
      stderr: err.stream,
      cwd: dir,
    });
    expect(code).toBe(1);
    expect(err.text()).toContain(
      'error SERVE_TOKEN_INVALID: --token: the token must be at least 16 characters',
    );
    expect(err.text()).not.toContain('short$secret');
  });
});

describe('CSRF: no simple cross-site request reaches a state-changing route', () => {
  let server: KeelServer;
  let host: Host;
  let calls: () => number;
  beforeAll(async () => {
    ({ host, calls } = await probeHost());
    const { loaded, env } = await testConfig(dir, 1);
    server = await createServer({ loaded, env, host, replay: false, signals: false });
  });
  afterAll(async () => {
    await server.close();
    await host.dispose();
  });

  const attacks: ReadonlyArray<{
    name: string;
    headers: Record<string, string>;
    payload?: string;
    status: number;
  }> = [
    {
      name: "fetch(mode: 'no-cors') with a text/plain body from a foreign page",
      headers: {
        'content-type': 'text/plain;charset=UTF-8',
        origin: 'https://attacker.example',
        'sec-fetch-site': 'cross-site',
      },
      payload: '{}',
      status: 403,
    },
    {
      name: 'text/plain without Origin (an old browser)',
      headers: { 'content-type': 'text/plain' },
      payload: '{}',
      status: 415,
    },
    {
      name: 'an HTML form POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null' },
      payload: 'payload=1',
      status: 403,
    },
    {
      name: 'a form POST without Origin',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'payload=1',
      status: 415,
    },
    {
      name: 'multipart',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x--',
      status: 415,
    },
    { name: 'a body-less POST', headers: {}, status: 415 },
    {
      name: 'JSON with a wrong Origin',
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:9999' },
      payload: '{}',
      status: 403,
    },
    {
      name: 'JSON from a foreign site without Origin',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      payload: '{}',
      status: 403,
    },
    {
      name: 'JSON from a sibling subdomain',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-site' },
      payload: '{}',
      status: 403,
    },
  ];
  for (const attack of attacks) {
    it(`refuses ${attack.name}`, async () => {
      const before = calls();
      const res = await server.inject({
        method: 'POST',
        url: '/api/rpc/probe.count',
        headers: { host: '127.0.0.1:8080', ...attack.headers },
        ...(attack.payload === undefined ? {} : { payload: attack.payload }),
      });
      expect(res.statusCode).toBe(attack.status);
      expect(calls()).toBe(before);
    });
  }

  it('accepts the same request from its own origin', async () => {
    const before = calls();
    const res = await server.inject({
      method: 'POST',
      url: '/api/rpc/probe.count',
      headers: {
        host: '127.0.0.1:8080',
        origin: 'http://127.0.0.1:8080',
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/json; charset=utf-8',
      },
      payload: '{}',
    });
    expect(res.statusCode).toBe(200);
    expect(calls()).toBe(before + 1);
  });

  it('limits the body size and validates it', async () => {
    const { loaded, env } = await testConfig(dir, 1);
    const small = await createServer({ loaded, env, host, replay: false, signals: false, bodyLimit: 1024 });
    try {
      const before = calls();
      const big = await small.inject({
        method: 'POST',
        url: '/api/rpc/probe.count',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ payload: 'x'.repeat(2000) }),
      });
      expect(big.statusCode).toBe(413);
      expect(big.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      const broken = await small.inject({
        method: 'POST',
        url: '/api/rpc/probe.count',
        headers: { 'content-type': 'application/json' },
        payload: '{"payload": "s3cret-bytes',
      });
      expect(broken.statusCode).toBe(400);
      expect(broken.body).not.toContain('s3cret');
      expect(calls()).toBe(before);
    } finally {
      await small.close();
    }
  });
});

describe('real sockets: token over HTTP and WebSocket, rebinding on the WebSocket', () => {
  let server: KeelServer;
  let base: string;
  let host: Host;
  beforeAll(async () => {
    ({ host } = await probeHost());
    const { loaded, env } = await testConfig(dir, 1);
    server = await createServer({ loaded, env, host, replay: false, signals: false, token: TOKEN });
    base = await server.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await host.dispose();
  });

  it('HTTP: 401 without the token, 200 with it', async () => {
    expect((await fetch(`${base}/api/plugins`)).status).toBe(401);
    const ok = await fetch(`${base}/api/plugins`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    const rpc = await fetch(`${base}/api/rpc/probe.count`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(rpc.status).toBe(200);
  });

  /** Resolves with the HTTP status of a refused upgrade, or `open` with the selected subprotocol. */
  function upgrade(protocols: string[] | undefined, headers: Record<string, string> = {}) {
    const socket = new WebSocket(`${base.replace('http', 'ws')}/ws`, protocols, { headers });
    return new Promise<{ status: number } | { open: string }>((resolve) => {
      socket.on('error', () => {});
      socket.on('unexpected-response', (_req, res) => {
        resolve({ status: res.statusCode ?? 0 });
        socket.terminate();
      });
      socket.on('message', () => {
        resolve({ open: socket.protocol });
        socket.close();
      });
    });
  }

  it('WebSocket: refused without the token, open with the subprotocol or a bearer header', async () => {
    expect(await upgrade(undefined)).toEqual({ status: 401 });
    expect(await upgrade(['keel', 'keel.token.wrong-token-0123456789'])).toEqual({ status: 401 });
    expect(await upgrade(['keel', `keel.token.${TOKEN}`])).toEqual({ open: 'keel' });
    expect(await upgrade(undefined, { authorization: `Bearer ${TOKEN}` })).toEqual({ open: '' });
  });

  it('WebSocket: a rebinding Host or a foreign Origin is refused even with the token', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect(await upgrade(undefined, { ...auth, host: 'rebind.attacker.example' })).toEqual({ status: 421 });
    expect(await upgrade(undefined, { ...auth, origin: 'http://attacker.example' })).toEqual({ status: 403 });
  });
});

describe('artifact paths are confined to the artifact roots; diagnostics echo no text or bytes', () => {
  let root: string;
  let outside: string;
  beforeAll(async () => {
    root = path.join(dir, 'roots', 'artifacts');
    outside = path.join(dir, 'elsewhere-dir');
    await mkdir(root, { recursive: true });
    await mkdir(outside, { recursive: true });
    await copyFile(
      path.join(appDir, 'sample/artifacts/market_regime_control.json'),
      path.join(root, 'market_regime_control.json'),
    );
    await copyFile(
      path.join(appDir, 'sample/artifacts/market_regime_control.json'),
      path.join(outside, 'market_regime_control.json'),
    );
    await writeFile(path.join(root, 'passwd.json'), 'root:x:0:0:root:/root:/bin/bash\n');
    await symlink(path.join(outside, 'market_regime_control.json'), path.join(root, 'escape.json'));
  });

  async function signalsFor(signalPath: string, env: Record<string, string> = {}) {
    const base = await testConfig(dir, 1);
    const loaded: LoadedConfig = {
      ...base.loaded,
      config: {
        ...base.loaded.config,
        artifacts: {
          strategyProfile: 'tqqq_growth_income',
          roots: [root],
          mounts: {
            strategy_plugins: [
              {
                strategy: 'tqqq_growth_income',
                plugin: 'market_regime_control',
                latest_signal_path: signalPath,
              },
            ],
          },
        },
      },
    };
    const server = await createServer({ loaded, env: { ...base.env, ...env }, replay: false });
    try {
      await server.ready();
      await server.keel.signals.run();
      const res = await server.inject('/api/signals');
      return { body: res.json(), text: res.body };
    } finally {
      await server.close();
    }
  }

  it('loads an artifact inside a root', async () => {
    const { body } = await signalsFor(path.join(root, 'market_regime_control.json'));
    expect(body.status).toBe('ready');
  });

  for (const [name, target] of [
    ['a file outside every root', () => path.join(outside, 'market_regime_control.json')],
    [
      'a ../ path out of the root',
      () => path.join(root, '..', '..', 'elsewhere-dir', 'market_regime_control.json'),
    ],
    ['a symlink inside the root that points outside', () => path.join(root, 'escape.json')],
    ['a system file', () => '/etc/passwd'],
  ] as const) {
    it(`refuses ${name}, without showing the path`, async () => {
      const signalPath = target();
      const { body, text } = await signalsFor(signalPath);
      expect(body.status).toBe('failed');
      expect(body.error).toMatchObject({
        code: 'ARTIFACT_PATH_OUTSIDE_ROOTS',
        field: 'strategy_plugins[0].signal_path',
      });
      expect(text).not.toContain(signalPath);
      expect(text).not.toContain('elsewhere-dir');
    });
  }

  it('does not leak the first bytes of a non-JSON target', async () => {
    const { body, text } = await signalsFor(path.join(root, 'passwd.json'));
    expect(body.status).toBe('failed');
    expect(body.error.code).toBe('BAD_JSON');
    expect(text).not.toContain('root:x');
    expect(text).not.toContain('/bin/bash');
  });

  it('does not echo a malformed STRATEGY_PLUGIN_MOUNTS_JSON with a credentialed URL', async () => {
    const secret = 'https://deploy:hunter2-secret@artifacts.example/latest_signal.json';
    const { body, text } = await signalsFor(path.join(root, 'market_regime_control.json'), {
      STRATEGY_PLUGIN_MOUNTS_JSON: `{"strategy_plugins": [{"signal_path": "${secret}"`,
    });
    expect(body.status).toBe('failed');
    expect(body.error).toEqual({ code: 'BAD_JSON', field: 'config', message: 'config: is not valid JSON' });
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('artifacts.example');
  });
});
