import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CreateKeelPluginError } from './errors.js';
import { PLUGIN_ID_PATTERN, parsePluginName } from './plugin-name.js';

describe('parsePluginName', () => {
  it.each([
    ['my-plugin', 'my-plugin', 'my-plugin', 'My plugin'],
    ['keel-plugin-range-burst', 'keel-plugin-range-burst', 'range-burst', 'Range burst'],
    ['@acme/keel-plugin-range-burst', 'keel-plugin-range-burst', 'range-burst', 'Range burst'],
    ['@keel/plugin-atr-burst', 'plugin-atr-burst', 'atr-burst', 'Atr burst'],
    ['@acme/vol2', 'vol2', 'vol2', 'Vol2'],
  ])('%s → id %s', (name, baseName, id, displayName) => {
    expect(parsePluginName(name)).toEqual({ packageName: name, baseName: baseName, id, displayName });
  });

  it.each([
    ['', 'a package name is required'],
    ['MyPlugin', 'must be lower case'],
    ['my plugin', 'is not a valid npm name'],
    ['.hidden', 'is not a valid npm name'],
    ['_private', 'is not a valid npm name'],
    ['@acme/', 'is not a valid npm name'],
    ['a'.repeat(215), 'longer than 214'],
    ['http', 'is reserved'],
    ['node_modules', 'is reserved'],
    ['1st-plugin', 'plugin id "1st-plugin" derived from "1st-plugin" must match'],
    ['my_plugin', 'plugin id "my_plugin"'],
    ['@acme/keel-plugin-x', 'plugin id "x"'],
  ])('refuses %j (%s)', (name, message) => {
    expect(() => parsePluginName(name)).toThrow(
      expect.objectContaining({
        code: 'CREATE_INVALID_NAME',
        field: 'name',
        message: expect.stringContaining(message),
      }),
    );
  });

  it('either derives a valid id or throws CREATE_INVALID_NAME, for any string', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.stringMatching(/^(@[a-z]{1,5}\/)?(keel-plugin-|plugin-)?[a-z0-9._-]{0,12}$/),
        ),
        (name) => {
          try {
            const parsed = parsePluginName(name);
            expect(parsed.id).toMatch(PLUGIN_ID_PATTERN);
            expect(encodeURIComponent(parsed.baseName)).toBe(parsed.baseName);
          } catch (error) {
            expect(error).toBeInstanceOf(CreateKeelPluginError);
            expect((error as CreateKeelPluginError).code).toBe('CREATE_INVALID_NAME');
          }
        },
      ),
    );
  });
});
