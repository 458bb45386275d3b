import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from './config-json-schema.js';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('keel.config.schema.json', () => {
  it('is what the zod schema generates (run `pnpm --filter @keel/reference schema` after changing config.ts)', async () => {
    const committed = JSON.parse(await readFile(path.join(appDir, 'keel.config.schema.json'), 'utf8'));
    expect(committed).toEqual(configJsonSchema());
  });

  it('forbids unknown keys and is referenced by the default config', async () => {
    const schema = configJsonSchema() as {
      additionalProperties: unknown;
      properties: { plugins: { items: { anyOf: { additionalProperties: unknown; required: string[] }[] } } };
    };
    expect(schema.additionalProperties).toBe(false);
    // A package entry or a Python entry; both closed.
    expect(schema.properties.plugins.items.anyOf).toMatchObject([
      { additionalProperties: false, required: ['plugin'] },
      { additionalProperties: false, required: ['python'] },
    ]);
    const config = JSON.parse(await readFile(path.join(appDir, 'keel.config.json'), 'utf8')) as {
      $schema: string;
    };
    expect(config.$schema).toBe('./keel.config.schema.json');
  });
});
