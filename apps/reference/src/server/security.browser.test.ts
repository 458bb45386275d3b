import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { definePlugin } from '@keel/contract';
import { createHost, createLogger, type Host } from '@keel/host';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../test/server-fixture.js';
import { createServer, type KeelServer } from './create-server.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const TOKEN = 'browser-token-0123456789abc';

/** What a foreign page does to a loopback server: every kind of request a page may send unprompted. */
function attackPage(target: string): string {
  return `<!doctype html><html><body><iframe name="sink"></iframe><script>
const url = ${JSON.stringify(`${target}/api/rpc/probe.count`)};
const results = {};
async function attempt(name, run) {
  try { const r = await run(); results[name] = r && 'type' in r ? r.type + ':' + r.status : 'sent'; }
  catch (e) { results[name] = 'blocked'; }
}
(async () => {
  await attempt('noCorsBodyless', () => fetch(url, { method: 'POST', mode: 'no-cors' }));
  await attempt('noCorsText', () => fetch(url, { method: 'POST', mode: 'no-cors', body: '{}' }));
  await attempt('noCorsJsonTyped', () => fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'application/json' }, body: '{}' }));
  await attempt('corsJson', () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
  await attempt('beacon', async () => { navigator.sendBeacon(url, '{}'); });
  await new Promise((resolve) => {
    const form = document.createElement('form');
    form.method = 'POST'; form.action = url; form.target = 'sink'; form.enctype = 'text/plain';
    const input = document.createElement('input'); input.name = '{"payload":1,"x":"'; input.value = '"}';
    form.appendChild(input); document.body.appendChild(form);
    document.querySelector('iframe').addEventListener('load', resolve, { once: true });
    form.submit();
  });
  results.form = 'submitted';
  document.title = 'done';
  window.results = results;
})();
</script></body></html>`;
}

// Real browser, real sockets: a page on another origin tries every simple cross-site write; a probe
// RPC method counts what got through (nothing may). Then the dashboard runs against a token server.
describe.skipIf(!haveChromium)(
  `security in headless Chromium${haveChromium ? '' : ` (skipped: ${CHROMIUM} is not installed)`}`,
  { timeout: 120_000 },
  () => {
    let dir: string;
    let browser: BrowserContext;
    let probe: Host;
    let calls = 0;
    let victim: KeelServer;
    let victimBase: string;
    let evil: http.Server;
    let logText = '';

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'keel-security-browser-'));
      probe = createHost({ cache: { memory: true }, services: { logger: createLogger({ level: 'error' }) } });
      await probe.load([
        definePlugin({
          id: 'probe',
          name: 'Probe',
          version: '1.0.0',
          category: 'diag',
          setup(ctx) {
            ctx.rpc.register('probe.count', () => ++calls);
          },
        }),
      ]);
      const { loaded, env } = await testConfig(dir, 1);
      // The server's own JSON log says what arrived and why it was refused.
      const logStream = new Writable({
        write(chunk, _enc, done) {
          logText += String(chunk);
          done();
        },
      });
      victim = await createServer({
        loaded,
        env,
        host: probe,
        replay: false,
        signals: false,
        logLevel: 'info',
        logStream,
      });
      victimBase = await victim.listen({ host: '127.0.0.1', port: 0 });
      evil = http.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(attackPage(victimBase));
      });
      await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
      browser = await chromium.launchPersistentContext(path.join(dir, 'chromium-profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      });
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await victim?.close();
      await probe?.dispose();
      await new Promise((resolve) => evil?.close(resolve));
      await rm(dir, { recursive: true, force: true });
    }, 60_000);

    it('a cross-site page reaches no state-changing route (no-cors, CORS JSON, beacon, text/plain form)', async () => {
      const page = await browser.newPage();
      // `localhost` vs `127.0.0.1`: a different site, as an attacker's page would be.
      await page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
      await page.waitForFunction("document.title === 'done'");
      const results = (await page.evaluate('window.results')) as Record<string, string>;
      // The CORS preflight is never granted, so the browser does not even send the JSON POST.
      expect(results.corsJson).toBe('blocked');
      expect(calls).toBe(0);
      // What did arrive was refused before any handler ran.
      const refused = logText
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { msg: string; code?: string })
        .filter((r) => r.msg === 'request refused');
      expect(refused.length).toBeGreaterThanOrEqual(3);
      for (const r of refused) expect(['ORIGIN_NOT_ALLOWED', 'CROSS_SITE_REQUEST']).toContain(r.code);
      await page.close();
      // The same call from a non-browser client on this machine works: the probe is live.
      const ok = await fetch(`${victimBase}/api/rpc/probe.count`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(ok.status).toBe(200);
      expect(calls).toBe(1);
    });

    it('the dashboard works against a token server when opened at /#token=…', async () => {
      const { loaded, env } = await testConfig(dir, 2);
      const server = await createServer({ loaded, env, speed: 3000, token: TOKEN });
      const base = await server.listen({ host: '127.0.0.1', port: 0 });
      try {
        expect((await fetch(`${base}/api/plugins`)).status).toBe(401);
        const page = await browser.newPage();
        const statuses: number[] = [];
        page.on('response', (r) => {
          if (r.url().includes('/api/')) statuses.push(r.status());
        });
        await page.goto(`${base}/#token=${TOKEN}`);
        await page.locator('#conn[data-state="open"]').waitFor();
        await page.locator('#price-chart rect.candle').nth(20).waitFor();
        await page.locator('#progress[data-state="done"]').waitFor();
        await page.waitForSelector('#sensor-rows tr.sensor-row');
        expect(statuses.length).toBeGreaterThan(0);
        expect(statuses.filter((s) => s !== 200)).toEqual([]);
        await page.close();
      } finally {
        await server.close();
      }
    });
  },
);
