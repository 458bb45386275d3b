import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateBars } from '@keel/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppHost } from './app-host.js';
import { loadConfig, parseAppConfig } from './config.js';

// A sensor written as QUIMERIA-HYPERION plugins are, numpy-free, so any python3 runs it.
const UP_CLOSE_COUNTER = `from plugins import SMKPlugin


class UpCloseCounter(SMKPlugin):
    name = "Up Close Counter"
    layer = "L1"
    sensor_id = "p01"
    requires_warmup = 3

    def __init__(self):
        super().__init__()
        self.ups = 0
        self.seen = 0

    def update(self, bar, df, smk):
        self.seen += 1
        if bar["close"] > bar["open"]:
            self.ups += 1
        return {"active": self.ups * 2 > self.seen, "score": self.ups / self.seen, "status": f"{self.ups}/{self.seen}"}

    def reset(self):
        self.ups = 0
        self.seen = 0
`;

const python = [process.env.KEEL_PYTHON, 'python3', '/usr/bin/python3'].find(
  (p) => p !== undefined && spawnSync(p, ['--version'], { stdio: 'ignore' }).status === 0,
);

describe('config entries { "python": "file.py:Class" }', () => {
  it('validates them beside package entries, with key hints for the form the entry meant', () => {
    const ok = parseAppConfig(
      { plugins: [{ plugin: '@keel/plugin-atr-burst' }, { python: 'plugins/x.py:Sensor', id: 'x-sensor' }] },
      'keel.config.json',
    );
    expect(ok.plugins).toHaveLength(2);
    expect(() =>
      parseAppConfig({ plugins: [{ python: 'plugins/x.py:Sensor', interpretr: 'python3' }] }, 'c.json'),
    ).toThrow(
      expect.objectContaining({
        field: 'plugins.0.interpretr',
        hint: expect.stringContaining('"interpreter"'),
      }),
    );
    expect(() => parseAppConfig({ plugins: [{ plugin: 'p', enabeld: false }] }, 'c.json')).toThrow(
      expect.objectContaining({ field: 'plugins.0.enabeld', hint: expect.stringContaining('"enabled"') }),
    );
    expect(() => parseAppConfig({ plugins: [{ python: 'no-class-here.py' }] }, 'c.json')).toThrow(
      expect.objectContaining({ field: 'plugins.0.python' }),
    );
  });
});

describe.skipIf(python === undefined)(
  `a Python plugin from a config file${python === undefined ? ' (skipped: no python3 found)' : ''}`,
  () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'keel-python-entry-'));
      await mkdir(path.join(dir, 'plugins'), { recursive: true });
      await writeFile(path.join(dir, 'plugins', 'up_close.py'), UP_CLOSE_COUNTER);
      await writeFile(
        path.join(dir, 'keel.config.json'),
        JSON.stringify({
          data: { source: 'sample', sessions: 1, symbol: 'SAMPLE' },
          plugins: [
            { plugin: '@keel/plugin-atr-burst' },
            { python: 'plugins/up_close.py:UpCloseCounter', interpreter: python },
          ],
          cache: { path: '.keel/cache.sqlite' },
        }),
      );
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('loads relative to the config folder and steps beside a TypeScript plugin', async () => {
      const app = await createAppHost(await loadConfig(path.join(dir, 'keel.config.json')));
      try {
        expect(app.loadErrors).toEqual([]);
        const py = app.plugins.find((p) => p.specifier === 'plugins/up_close.py:UpCloseCounter');
        expect(py).toMatchObject({ layer: 'L1' });
        const bars = [...generateBars({ count: 10, seed: 7 })];
        let ups = 0;
        let last: { active: boolean; score: number; status: string } | undefined;
        for (const [i, bar] of bars.entries()) {
          const step = await app.host.step(bar);
          if (bar.close > bar.open) ups += 1;
          if (step.kind !== 'step') throw new Error(`bar ${i} rejected: ${step.message}`);
          last = step.plugins[py?.id ?? ''];
        }
        // Warm-up 3: the first update is on the 3rd bar, so it has seen 8 of the 10 bars.
        const seenUps = bars.slice(2).filter((b) => b.close > b.open).length;
        expect(ups).toBeGreaterThanOrEqual(seenUps);
        expect(last).toMatchObject({ status: `${seenUps}/8`, score: seenUps / 8 });
      } finally {
        await app.host.dispose();
      }
    });
  },
);
