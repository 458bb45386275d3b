import type { PluginEntry } from '@keel/host';
import { z } from 'zod';
import { PythonPluginOptionsSchema, type PythonPluginOptions, parseShorthand } from './options.js';
import { pythonPlugin } from './python-plugin.js';

const {
  file: _file,
  module: _module,
  className: _className,
  baseDir: _baseDir,
  python: _python,
  ...rest
} = PythonPluginOptionsSchema.shape;

/**
 * A `keel.config.json` plugin entry for a Python plugin: `{ "python": "plugins/x.py:Class", ...options }`
 * (every {@link PythonPluginOptions} key except `file`, `module`, `className` and `baseDir`, which come
 * from `python` and the config file's folder; the interpreter is `interpreter`).
 */
export const PythonConfigEntrySchema = z
  .object({
    python: z
      .string()
      .regex(/^[^:]+(?::[\\/][^:]*)?:[A-Za-z_]\w*$/, 'must be "file.py:Class" or "package.module:Class"'),
    ...rest,
    /** The interpreter (the `python` key names the plugin here). */
    interpreter: z.string().min(1).optional(),
  })
  .strict();

export type PythonConfigEntry = z.input<typeof PythonConfigEntrySchema>;

/** True for a config entry that names a Python plugin (`{ "python": ... }`). */
export function isPythonConfigEntry(entry: unknown): entry is PythonConfigEntry {
  return (
    typeof entry === 'object' && entry !== null && typeof (entry as { python?: unknown }).python === 'string'
  );
}

/**
 * Turns a validated config entry into a host entry; relative paths resolve against `baseDir` (the
 * config file's folder). Throws `ZodError` for an invalid entry: a config loader reports it with the
 * rest of the file's problems.
 */
export function pythonPluginFromConfig(entry: unknown, baseDir: string): PluginEntry {
  const parsed = PythonConfigEntrySchema.parse(entry);
  const { python, interpreter, ...options } = parsed;
  const where = parseShorthand(python);
  const spec: PythonPluginOptions = {
    ...options,
    ...where,
    baseDir,
    ...(interpreter === undefined ? {} : { python: interpreter }),
  };
  return pythonPlugin(spec);
}
