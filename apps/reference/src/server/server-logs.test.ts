import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../test/server-fixture.js';
import { runCli } from '../cli-main.js';
import { createServer } from './create-server.js';

const TOKEN = 'log-token-0123456789abcdef';
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keel-logs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture(): { stream: Writable; lines: () => string[] } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, lines: () => text.split('\n').filter((l) => l !== '') };
}

describe('structured JSON logs (--log-level)', () => {
  it('writes one JSON object per line at the level asked for, without the token', async () => {
    const { loaded, env } = await testConfig(dir, 1);
    const out = capture();
    const server = await createServer({
      loaded,
      env,
      replay: false,
      signals: false,
      token: TOKEN,
      logLevel: 'info',
      logStream: out.stream,
    });
    try {
      await server.inject({ url: '/api/plugins', headers: { authorization: `Bearer ${TOKEN}` } });
      await server.inject({ url: '/api/plugins', headers: { authorization: `Bearer ${TOKEN}-wrong` } });
    } finally {
      await server.close();
    }
    const records = out.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.length).toBeGreaterThan(3);
    for (const r of records) {
      expect(typeof r.level).toBe('number');
      expect(typeof r.time).toBe('number');
      expect(typeof r.msg).toBe('string');
    }
    expect(records.filter((r) => r.msg === 'request completed').length).toBe(2);
    expect(records.find((r) => r.msg === 'request refused')).toMatchObject({
      code: 'UNAUTHORIZED',
      field: 'authorization',
      status: 401,
    });
    expect(out.lines().join('\n')).not.toContain(TOKEN);
  });

  it('logs nothing below the level', async () => {
    const { loaded, env } = await testConfig(dir, 1);
    const out = capture();
    const server = await createServer({
      loaded,
      env,
      replay: false,
      signals: false,
      logLevel: 'error',
      logStream: out.stream,
    });
    try {
      await server.inject('/api/health');
      await server.inject('/api/nothing');
    } finally {
      await server.close();
    }
    expect(out.lines()).toEqual([]);
  });

  it('keel serve rejects an unknown level as a usage error', async () => {
    const err = capture();
    const code = await runCli(['serve', '--log-level', 'loud'], {
      stdout: capture().stream,
      stderr: err.stream,
      cwd: dir,
    });
    expect(code).toBe(2);
    expect(err.lines()[0]).toContain("option --log-level of 'serve'");
  });
});
