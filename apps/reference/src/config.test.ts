import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAppConfig, validKeysAt } from './config.js';

function configError(raw: unknown) {
  try {
    parseAppConfig(raw, 'k.json');
  } catch (error) {
    return error as { code: string; message: string; field: string; hint?: string };
  }
  throw new Error('config was accepted');
}

describe('config: unknown keys', () => {
  it('names the key and the closest valid key at every level', () => {
    expect(configError({ dta: {} })).toMatchObject({
      code: 'CONFIG_INVALID',
      field: 'dta',
      message: 'k.json: dta: unknown key "dta"',
      hint: expect.stringMatching(
        /^did you mean "data"\? valid keys here: \$schema, \$comment, data, plugins/,
      ),
    });
    expect(configError({ data: { sesions: 3 } })).toMatchObject({
      field: 'data.sesions',
      hint: expect.stringContaining('"sessions"'),
    });
    expect(configError({ notify: { markers: { pth: 'x' } } })).toMatchObject({ field: 'notify.markers.pth' });
    expect(configError({ plugins: [{ plugin: 'a' }, { plugin: 'b', enable: false }] })).toMatchObject({
      field: 'plugins.1.enable',
      hint: expect.stringContaining('did you mean "enabled"?'),
    });
  });

  it('property: any key outside the schema is rejected by name, at the root and in plugin entries', () => {
    const rootKeys = new Set(validKeysAt([]));
    const entryKeys = new Set(validKeysAt(['plugins', 0]));
    expect(entryKeys).toEqual(new Set(['plugin', 'config', 'enabled']));
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((k) => !rootKeys.has(k) && !entryKeys.has(k) && k !== '__proto__'),
        (key) => {
          expect(configError({ [key]: 1 }).field).toBe(key);
          expect(configError({ plugins: [{ plugin: 'p', [key]: 1 }] }).field).toBe(`plugins.0.${key}`);
        },
      ),
    );
  });
});
