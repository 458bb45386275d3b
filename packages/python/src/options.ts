import path from 'node:path';
import { BudgetSchema, JsonValueSchema } from '@keel/contract';
import { z } from 'zod';
import { PythonError } from './errors.js';

const budget = BudgetSchema.partial().strict();

/** Options of {@link pythonPlugin}, validated with zod (an unknown key is an error). */
export const PythonPluginOptionsSchema = z
  .object({
    /** The `.py` file, relative to `baseDir`. Either this or `module`. */
    file: z.string().min(1).optional(),
    /** A dotted module name importable from `path` (as in a PLUGIN_REGISTRY tuple). */
    module: z
      .string()
      .regex(/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/, 'must be a dotted module name such as plugins.my_plugin')
      .optional(),
    className: z.string().regex(/^[A-Za-z_]\w*$/, 'must be a Python class name'),
    /** Keel plugin id (default: the kebab-cased `name` / `plugin_id`). */
    id: z.string().optional(),
    /** Extra `sys.path` entries, relative to `baseDir`. */
    path: z.array(z.string().min(1)).optional(),
    /** Interpreter: this, else `KEEL_PYTHON`, else `python3` on `PATH`. */
    python: z.string().min(1).optional(),
    /** The plugin's config dict (OptiFIRE `context.config`, PrismR `on_load(host, config)`). */
    config: z.record(z.string(), JsonValueSchema).optional(),
    /** Overrides what the class declares (`est_cpu_ms`/`est_mem_mb`). */
    budget: budget.optional(),
    /** Rolling-window rows an SMK plugin's `df` holds (default the class's `window`, else 60). */
    window: z.number().int().min(2).max(100_000).optional(),
    /** Folder `file` and `path` are relative to (default `process.cwd()`; a config loader passes the config's folder). */
    baseDir: z.string().min(1).optional(),
    /** Where OptiFIRE plugins' `context.db` files live (default `.keel/python` under `baseDir`). */
    dataDir: z.string().min(1).optional(),
    /** Start disabled. Default true. */
    enabled: z.boolean().optional(),
    /** Largest JSON result (a reading, a run's data) a plugin may send (default 1 MiB). */
    maxResultBytes: z
      .number()
      .int()
      .positive()
      .max(256 * 1024 * 1024)
      .optional(),
    /** How long the process may take to import and start (default 30 s). */
    startTimeoutMs: z.number().int().positive().max(600_000).optional(),
    /**
     * `'own'` (default): the plugin has its own process. `'shared'`: SMK sensors of a host share one
     * process that builds each bar's DataFrame once (faster; a crash or hang takes all of them down).
     */
    process: z.enum(['own', 'shared']).optional(),
    /** OptiFIRE `plan()` dependencies that something outside Python provides (data sources). */
    provides: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .refine((o) => (o.file === undefined) !== (o.module === undefined), {
    message: 'give exactly one of file or module',
    path: ['file'],
  });

export type PythonPluginOptions = z.input<typeof PythonPluginOptionsSchema>;
export type ParsedPythonOptions = z.output<typeof PythonPluginOptionsSchema>;

/** What the process needs to find the class: absolute paths, the interpreter, the config. */
export interface ResolvedPlugin {
  readonly options: ParsedPythonOptions;
  readonly python: string;
  readonly file: string | undefined;
  readonly module: string | undefined;
  readonly className: string;
  readonly sysPath: readonly string[];
  readonly baseDir: string;
  readonly dataDir: string;
  /** `file:Class` or `module:Class`, for messages. */
  readonly label: string;
}

const SHORTHAND = /^(?<where>[^:]+(?::[\\/][^:]*)?):(?<cls>[A-Za-z_]\w*)$/;

/** `'plugins/x.py:Class'` → `{ file, className }`; `'pkg.mod:Class'` → `{ module, className }`. */
export function parseShorthand(
  text: string,
): { file: string; className: string } | { module: string; className: string } {
  const match = SHORTHAND.exec(text.trim());
  const where = match?.groups?.where;
  const className = match?.groups?.cls;
  if (where === undefined || className === undefined) {
    throw new PythonError(
      'PYTHON_INVALID_OPTIONS',
      `python plugin ${JSON.stringify(text)} is not "file.py:Class"`,
      {
        field: 'python',
        value: text,
        hint: 'write the file (or dotted module) and the class separated by a colon, e.g. "plugins/momentum.py:MomentumPlugin"',
      },
    );
  }
  if (where.endsWith('.py') || where.includes('/') || where.includes('\\')) return { file: where, className };
  return { module: where, className };
}

/** Validates options and fills in paths and the interpreter. */
export function resolvePluginOptions(
  input: string | PythonPluginOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedPlugin {
  const raw = typeof input === 'string' ? parseShorthand(input) : input;
  const parsed = PythonPluginOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || '(root)';
    throw new PythonError(
      'PYTHON_INVALID_OPTIONS',
      `pythonPlugin options: ${field} ${issue?.message ?? 'is invalid'}`,
      {
        field,
        hint: 'see the pythonPlugin() options in docs/python-plugins.md',
      },
    );
  }
  const options = parsed.data;
  const baseDir = path.resolve(options.baseDir ?? process.cwd());
  const file = options.file === undefined ? undefined : path.resolve(baseDir, options.file);
  const sysPath = [...(options.path ?? []).map((p) => path.resolve(baseDir, p)), baseDir];
  if (file !== undefined) sysPath.push(path.dirname(file));
  const python = options.python ?? nonEmpty(env.KEEL_PYTHON) ?? 'python3';
  return {
    options,
    python,
    file,
    module: options.module,
    className: options.className,
    sysPath: [...new Set(sysPath)],
    baseDir,
    dataDir: path.resolve(baseDir, options.dataDir ?? '.keel/python'),
    label: `${options.file ?? options.module}:${options.className}`,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** `'Momentum Plugin'` → `'momentum-plugin'`; a result the id pattern rejects is left to the manifest check. */
export function kebabId(name: string): string {
  const id = name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
  return /^[a-z]/.test(id) ? id.slice(0, 64) : `py-${id}`.slice(0, 64);
}
