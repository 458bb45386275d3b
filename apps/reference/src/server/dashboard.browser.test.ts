import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPlugins } from '../../test/default-plugins.js';
import { testConfig } from '../../test/server-fixture.js';
import { createServer, type KeelServer } from './create-server.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

// A real browser against a live server: every wait is for a DOM state, never a sleep, and the limits
// are generous (Playwright waits up to 30 s per locator) so a slow, busy machine passes.
describe.skipIf(!haveChromium)(
  `dashboard in headless Chromium${haveChromium ? '' : ` (skipped: ${CHROMIUM} is not installed)`}`,
  { timeout: 120_000 },
  () => {
    let dir: string;
    let server: KeelServer;
    let base: string;
    let browser: BrowserContext;
    let page: Page;
    const requests: string[] = [];
    const pageErrors: string[] = [];

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'keel-dashboard-'));
      const { loaded, env } = await testConfig(dir, 12);
      server = await createServer({ loaded, env, speed: 3000 });
      base = await server.listen({ host: '127.0.0.1', port: 0 });
      // A persistent context on a fresh directory is how Playwright takes an explicit --user-data-dir.
      browser = await chromium.launchPersistentContext(path.join(dir, 'chromium-profile'), {
        executablePath: CHROMIUM,
        viewport: { width: 1440, height: 1000 },
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      page = browser.pages()[0] ?? (await browser.newPage());
      page.on('request', (r) => requests.push(r.url()));
      page.on('pageerror', (e) => pageErrors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(m.text());
      });
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await rm(dir, { recursive: true, force: true });
    }, 60_000);

    it('draws the price chart, sensor rows, session bars, runs, panels and progress from the live server', async () => {
      await page.goto(`${base}/`);
      await page.locator('#price-chart rect.candle').nth(60).waitFor();
      await page.locator('#session-chart rect.session-bar').first().waitFor();
      await page.locator('#progress[data-state="done"]').waitFor();
      await page.waitForSelector('#panels .panel[data-plugin="session-stats"]');
      await page.waitForSelector('#run-log li.run');

      const plugins = await defaultPlugins();
      const rows = await page.$$eval('#sensor-rows tr.sensor-row', (trs) =>
        trs.map((tr) => ({ plugin: tr.getAttribute('data-plugin'), text: tr.textContent })),
      );
      expect(rows.map((r) => r.plugin)).toEqual(plugins.map((p) => p.id));
      for (const [i, p] of plugins.entries()) {
        expect(rows[i]?.text, p.id).toContain(p.layer);
        expect(rows[i]?.text, p.id).toContain('ready');
      }

      // Every panel the server has is drawn, each stat a row: forecast-cone's stats hold arrays (its
      // quantile paths), which once sent the formatter into endless recursion and blanked all panels.
      const { panels } = (await (await fetch(`${base}/api/panels`)).json()) as {
        panels: Array<{ id: string; stats: Record<string, unknown> }>;
      };
      expect(panels.map((p) => p.id)).toEqual(
        [...plugins]
          .sort((a, b) => a.index - b.index)
          .filter((p) => p.hasPanel)
          .map((p) => p.id),
      );
      const drawn = await page.$$eval('#panels .panel', (divs) =>
        divs.map((d) => ({
          id: d.getAttribute('data-plugin'),
          keys: [...d.querySelectorAll('dt')].map((dt) => dt.textContent),
          values: [...d.querySelectorAll('dd')].map((dd) => dd.textContent ?? ''),
        })),
      );
      expect(drawn.map((d) => [d.id, d.keys])).toEqual(panels.map((p) => [p.id, Object.keys(p.stats)]));
      for (const d of drawn) expect(d.values, d.id ?? '').not.toContain('(cannot be shown)');
      const cone = drawn.find((d) => d.id === 'forecast-cone');
      const coneStats = panels.find((p) => p.id === 'forecast-cone')?.stats as {
        lastCone: { origin: number; p10: number[] };
      };
      expect(cone?.values[cone.keys.indexOf('lastCone')]).toContain(
        `origin ${coneStats.lastCone.origin} · p10 [${Number(coneStats.lastCone.p10[0]?.toPrecision(6))}, `,
      );
      expect(cone?.values[cone.keys.indexOf('lastCone')]).toContain(
        `… ${coneStats.lastCone.p10.length} items]`,
      );

      // The markers are exactly the bars on screen where atr-burst was active.
      const candles = await page.$$eval('#price-chart rect.candle', (r) => r.length);
      const { steps } = (await (await fetch(`${base}/api/steps?limit=${candles}`)).json()) as {
        steps: Array<{ sensors: Array<{ plugin: string; active: boolean }> }>;
      };
      const active = steps.filter((s) => s.sensors.some((x) => x.plugin === 'atr-burst' && x.active)).length;
      expect(await page.$$eval('#price-chart circle.marker', (c) => c.length)).toBe(active);

      expect(await page.$$eval('#session-chart rect.session-bar', (r) => r.length)).toBe(12);
      expect(await page.textContent('#progress-text')).toContain('replay done · 936 bars');
      expect(await page.getAttribute('#conn', 'data-state')).toBe('open');
      expect(await page.textContent('#symbol')).toBe('SAMPLE');
      const firstRun = await page.textContent('#run-log li.run');
      expect(firstRun).toContain('session-stats · session-close');
      expect(await page.textContent('#panels')).toContain('sessions');
    });

    it('shows the signals panel and switches the notification lines to zh-CN', async () => {
      await page.waitForSelector('#signal-report .signal[data-plugin="crisis_response_shadow"]');
      await page.waitForSelector('#signal-alerts tr[data-channel="file"]');
      const en = await page.$$eval('#signal-lines li', (lis) => lis.map((li) => li.textContent ?? ''));
      expect(en).toHaveLength(2);
      expect(en.join('\n')).not.toMatch(/[\u4e00-\u9fff]/);
      await page.click('#locale-toggle button[data-locale="zh-CN"]');
      await page
        .locator('#signal-lines li', { hasText: /[\u4e00-\u9fff]/ })
        .first()
        .waitFor();
      const zh = await page.$$eval('#signal-lines li', (lis) => lis.map((li) => li.textContent ?? ''));
      expect(zh.join('\n')).toContain('需要通知');
      expect(await page.getAttribute('#locale-toggle button[data-locale="zh-CN"]', 'aria-pressed')).toBe(
        'true',
      );
      expect(await page.textContent('#signal-alerts')).toContain('sent');

      const shots = process.env.KEEL_SCREENSHOT_DIR ?? path.join(dir, 'screenshots');
      await mkdir(shots, { recursive: true });
      const file = path.join(shots, 'dashboard.png');
      await page.screenshot({ path: file, fullPage: true });
      expect(existsSync(file)).toBe(true);
    });

    it('fetched nothing outside the loopback server and raised no page errors', () => {
      const foreign = requests.filter((u) => !u.startsWith(base) && !u.startsWith('data:'));
      expect(foreign).toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  },
);
