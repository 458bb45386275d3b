import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PythonConfigEntrySchema } from './config-entry.js';
import { PythonError } from './errors.js';
import { kebabId, parseShorthand, resolvePluginOptions } from './options.js';

const ident = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/);
const segment = fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/);

describe('parseShorthand', () => {
  it('splits "file.py:Class" and "pkg.module:Class"', () => {
    expect(parseShorthand('plugins/momentum_plugin.py:MomentumPlugin')).toEqual({
      file: 'plugins/momentum_plugin.py',
      className: 'MomentumPlugin',
    });
    expect(parseShorthand('plugins.my_plugin:MyPlugin')).toEqual({
      module: 'plugins.my_plugin',
      className: 'MyPlugin',
    });
    expect(parseShorthand('C:\\plugins\\x.py:X')).toEqual({ file: 'C:\\plugins\\x.py', className: 'X' });
  });

  it('round-trips any file path and class name', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), ident, (parts, cls) => {
        const file = `${parts.join('/')}.py`;
        expect(parseShorthand(`${file}:${cls}`)).toEqual({ file, className: cls });
      }),
    );
  });

  it('rejects text without a class with a PythonError naming the value', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/:[A-Za-z_]\w*\s*$/.test(s)),
        (text) => {
          try {
            parseShorthand(text);
            return false;
          } catch (error) {
            return (
              error instanceof PythonError &&
              error.code === 'PYTHON_INVALID_OPTIONS' &&
              error.hint !== undefined
            );
          }
        },
      ),
    );
  });
});

describe('resolvePluginOptions', () => {
  it('takes the interpreter from options, else KEEL_PYTHON, else python3', () => {
    const o = { file: 'x.py', className: 'X' };
    expect(
      resolvePluginOptions({ ...o, python: '/opt/py' }, { KEEL_PYTHON: '/usr/bin/python3' }).python,
    ).toBe('/opt/py');
    expect(resolvePluginOptions(o, { KEEL_PYTHON: '/usr/bin/python3' }).python).toBe('/usr/bin/python3');
    expect(resolvePluginOptions(o, { KEEL_PYTHON: ' ' }).python).toBe('python3');
    expect(resolvePluginOptions(o, {}).python).toBe('python3');
  });

  it('resolves file, path and dataDir against baseDir', () => {
    const r = resolvePluginOptions(
      { file: 'plugins/x.py', className: 'X', path: ['backend'], baseDir: '/srv/app' },
      {},
    );
    expect(r.file).toBe(path.resolve('/srv/app/plugins/x.py'));
    expect(r.sysPath).toEqual(['/srv/app/backend', '/srv/app', '/srv/app/plugins']);
    expect(r.dataDir).toBe('/srv/app/.keel/python');
  });

  it('rejects unknown keys, both or neither of file/module, and bad budgets', () => {
    const bad = [
      { file: 'x.py', className: 'X', colour: 'red' },
      { file: 'x.py', module: 'x', className: 'X' },
      { className: 'X' },
      { file: 'x.py', className: 'X', budget: { timeoutMs: -1 } },
      { module: 'not a module', className: 'X' },
    ];
    for (const input of bad) expect(() => resolvePluginOptions(input as never, {})).toThrow(PythonError);
  });
});

describe('kebabId', () => {
  it('turns display names and plugin_ids into host ids', () => {
    expect(kebabId('ATR Momentum')).toBe('atr-momentum');
    expect(kebabId('mean_reversion')).toBe('mean-reversion');
    expect(kebabId('VolScaling')).toBe('vol-scaling');
    expect(kebabId('2nd try')).toBe('py-2nd-try');
  });

  it('always yields something the id pattern accepts for names with a letter or digit', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 2 }).filter((s) => /[A-Za-z0-9].*[A-Za-z0-9]|[A-Za-z0-9]{2}/.test(s)),
        (name) => {
          const id = kebabId(name);
          return /^[a-z][a-z0-9-]{0,63}$/.test(id);
        },
      ),
    );
  });
});

describe('PythonConfigEntrySchema', () => {
  it('accepts { python: "file.py:Class", ...options } and rejects the rest', () => {
    expect(
      PythonConfigEntrySchema.safeParse({ python: 'plugins/x.py:X', id: 'x', config: { a: 1 } }).success,
    ).toBe(true);
    expect(
      PythonConfigEntrySchema.safeParse({ python: 'plugins.x:X', interpreter: '/usr/bin/python3' }).success,
    ).toBe(true);
    expect(PythonConfigEntrySchema.safeParse({ python: 'plugins/x.py' }).success).toBe(false);
    expect(PythonConfigEntrySchema.safeParse({ python: 'x.py:X', file: 'y.py' }).success).toBe(false);
    expect(PythonConfigEntrySchema.safeParse({ python: 'x.py:X', config: { nan: Number.NaN } }).success).toBe(
      false,
    );
  });
});
