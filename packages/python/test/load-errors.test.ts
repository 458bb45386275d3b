import { createTestHost } from '@keel/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPythonPlugin, pythonPlugin, pythonPluginFromConfig } from '../src/index.ts';
import { firstBars } from './support/bars.ts';
import {
  describeWithPandas,
  FIXTURES,
  findAnyPython,
  findPythonWithoutPandas,
  fixture,
  pandasPython,
} from './support/python.ts';
import { describeWithSharedData } from '../../../test-support/shared-data.ts';

const hosts: { dispose(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.dispose()));
});
const host = () => {
  const h = createTestHost();
  hosts.push(h);
  return h;
};

describe('load errors', () => {
  it('a missing interpreter is an import error with a hint, and the next plugin still loads', async () => {
    const h = host();
    const result = await h.load([
      pythonPlugin({
        file: fixture('prism', 'crashy.py'),
        className: 'CrashyService',
        python: '/nonexistent/python3',
      }),
      pythonPlugin({
        file: fixture('prism', 'crashy.py'),
        className: 'CrashyService',
        python: findAnyPython() as string,
      }),
    ]);
    expect(result.loaded.map((p) => p.id)).toEqual(['crashy']);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ entry: 0, phase: 'import' });
    expect(result.errors[0]).toMatchObject({ code: 'PYTHON_INTERPRETER_NOT_FOUND' });
    expect(result.errors[0]?.message).toMatch(/python interpreter "\/nonexistent\/python3" not found/);
    // The hint is structured, not folded into the message.
    expect(result.errors[0]?.message).not.toContain('hint');
    expect(result.errors[0]?.hint).toMatch(/^install python3/);
  });

  it("bad options are that entry's load error, never a throw from pythonPlugin()", async () => {
    const h = host();
    const result = await h.load([
      pythonPlugin('no-class-given.py'),
      pythonPlugin({ file: 'x.py', className: 'X', bogus: 1 } as never),
      pythonPlugin({
        file: fixture('prism', 'crashy.py'),
        className: 'NoSuchClass',
        python: findAnyPython() as string,
      }),
    ]);
    expect(result.loaded).toEqual([]);
    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringContaining('is not "file.py:Class"'),
      expect.stringContaining('bogus'),
      expect.stringMatching(/has no class NoSuchClass/),
    ]);
    expect(result.errors[2]).toMatchObject({ code: 'PYTHON_CLASS_NOT_FOUND' });
    expect(result.errors[2]?.hint).toMatch(/give the class name after the colon/);
  });

  const noPandas = findPythonWithoutPandas();
  (noPandas === undefined ? it.skip : it)(
    `an SMK plugin under an interpreter without pandas says how to install it${noPandas === undefined ? ' (skipped: every python3 here has pandas)' : ''}`,
    async () => {
      const h = host();
      const result = await h.load([
        // Imports pandas itself …
        pythonPlugin({
          file: fixture('plugins', 'atr_momentum.py'),
          className: 'ATRMomentumPlugin',
          python: noPandas as string,
        }),
        // … or only through the df Keel would build.
        pythonPlugin({
          file: fixture('plugins', 'last_close.py'),
          className: 'LastClosePlugin',
          python: noPandas as string,
        }),
        // A plugin whose update() never reads df needs no pandas: it loads and runs.
        pythonPlugin({
          file: fixture('plugins', 'plain_counter.py'),
          className: 'UpCloseCounter',
          python: noPandas as string,
        }),
      ]);
      expect(result.loaded.map((p) => p.id)).toEqual(['up-close-counter']);
      await h.load([
        pythonPlugin({
          file: fixture('plugins', 'score_norm.py'),
          className: 'ZScoreSensor',
          python: noPandas as string,
        }),
      ]);
      const out = await h.step({
        time: Date.UTC(2024, 0, 2, 14, 30),
        open: 1,
        high: 2,
        low: 0.5,
        close: 1.5,
        volume: 10,
      });
      expect(out.kind).toBe('step');
      for (const error of result.errors) {
        expect(error.phase).toBe('import');
        expect(error.hint).toBe('install pandas: apt-get install python3-pandas or pip install pandas');
      }
      expect(result.errors[0]?.message).toContain('imports pandas, which is not installed');
      expect(result.errors[1]?.message).toContain('SMK plugin LastClosePlugin needs pandas');
    },
  );

  it('checkPythonPlugin gives the structured error: code, phase and hint', () => {
    const python = findAnyPython() as string;
    const syntax = checkPythonPlugin({
      file: fixture('bad', 'syntax_error.py'),
      className: 'SyntaxErrorPlugin',
      python,
    });
    expect(syntax).toMatchObject({
      ok: false,
      phase: 'import',
      error: { code: 'PYTHON_SYNTAX_ERROR', field: 'file' },
    });
    expect(!syntax.ok && syntax.error.hint).toMatch(/fix the syntax error/);
    const dialect = checkPythonPlugin({
      file: fixture('bad', 'not_a_plugin.py'),
      className: 'Helper',
      python,
    });
    expect(dialect).toMatchObject({
      ok: false,
      phase: 'manifest',
      error: { code: 'PYTHON_UNKNOWN_DIALECT' },
    });
    const missing = checkPythonPlugin({
      file: fixture('bad', 'import_error.py'),
      className: 'ImportErrorPlugin',
      python,
    });
    expect(missing).toMatchObject({ ok: false, error: { code: 'PYTHON_IMPORT_ERROR' } });
    expect(!missing.ok && missing.error.hint).toContain('install definitely_not_an_installed_module');
    expect(
      checkPythonPlugin({ file: fixture('prism', 'forecaster.py'), className: 'ForecasterModule', python }),
    ).toEqual({
      ok: true,
      dialect: 'service',
      className: 'ForecasterModule',
      name: 'forecaster',
    });
  });

  it('an OptiFIRE category outside the taxonomy is a manifest error', async () => {
    const h = host();
    const result = await h.load([
      pythonPlugin({
        file: fixture('optifire', 'bad_category.py'),
        className: 'Misfiled',
        python: findAnyPython() as string,
      }),
    ]);
    expect(result.errors[0]).toMatchObject({ phase: 'manifest', code: 'HOST_INVALID_MANIFEST' });
    expect(result.errors[0]?.message).toContain('category');
  });
});

describeWithSharedData('module form and project packages', () => {
  describeWithPandas('plugins.momentum_plugin from the project', () => {
    it("loads a dotted module with path entries, using the project's own plugins package and its layer names", async () => {
      const python = pandasPython();
      const h = host();
      const result = await h.load([
        pythonPlugin({ file: fixture('plugins', 'plain_counter.py'), className: 'UpCloseCounter', python }),
        pythonPlugin({
          module: 'plugins.momentum_plugin',
          className: 'MomentumPlugin',
          path: ['own_package'],
          baseDir: FIXTURES,
          python,
        }),
      ]);
      expect(result.errors).toEqual([]);
      expect(h.plugins().map((p) => [p.id, p.layer, p.sensorId])).toEqual([
        ['up-close-counter', 'L1', 'p01'],
        ['momentum', 'L3-ext', 'p11'],
      ]);
      const bars = await firstBars('SPY_5m.csv', 10);
      const out: unknown[] = [];
      await h.replay(bars, { onStep: (s) => out.push(s.plugins.momentum) });
      // Its base class is the project's (status = origin), and smk holds the earlier layer by id and name.
      expect(out[4]).toMatchObject({ status: 'project', upstream: ['Up Close Counter', 'up-close-counter'] });
    }, 120_000);

    it('pythonPluginFromConfig turns a keel.config.json entry into a plugin entry', async () => {
      const python = pandasPython();
      const h = host();
      const result = await h.load([
        pythonPluginFromConfig(
          {
            python: 'plugins/plain_counter.py:UpCloseCounter',
            interpreter: python,
            id: 'counter',
            budget: { timeoutMs: 5000 },
          },
          FIXTURES,
        ),
      ]);
      expect(result.errors).toEqual([]);
      expect(h.plugins()[0]).toMatchObject({ id: 'counter', warmup: { needed: 3 } });
      expect(() => pythonPluginFromConfig({ python: 'plugins/x.py' }, FIXTURES)).toThrow(/file\.py:Class/);
      expect(() => pythonPluginFromConfig({ python: 'x.py:X', extra: true }, FIXTURES)).toThrow();
    }, 120_000);
  });
});
