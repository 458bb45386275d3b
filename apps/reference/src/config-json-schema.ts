import { z } from 'zod';
import { AppConfigSchema } from './config.js';

/**
 * The config's JSON Schema, generated from the zod schema the app validates with, so editors
 * (`"$schema": "./keel.config.schema.json"`) complete and check exactly what `keel` accepts.
 * Input side: keys with defaults are optional; strict objects forbid unknown keys.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(AppConfigSchema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return { ...schema, title: 'keel.config.json' };
}
