import path from 'node:path';
import { parseArgs } from 'node:util';
import { CreateKeelPluginError } from './errors.js';
import { parsePluginName } from './plugin-name.js';
import { scaffoldPlugin } from './scaffold.js';
import { PLUGIN_KINDS, type PluginKind } from './templates/template-context.js';

export const USAGE = `Usage: create-keel-plugin <name> [--kind sensor|job|service] [--dir path] [--force]

  <name>         npm package name, e.g. keel-plugin-range-burst or @acme/keel-plugin-range-burst
                 (the plugin id drops the scope and a keel-plugin- or plugin- prefix: range-burst)
  --kind, -k     sensor (default): a bar sensor; job: a @close job; service: RPC, cache and a panel
  --dir, -d      target directory (default: the name without its scope)
  --force, -f    write into a non-empty directory
  --help, -h     show this help`;

/** Where the CLI writes; a test passes its own. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly cwd: string;
  /** `npm_config_user_agent`, to print the install command of the package manager in use. */
  readonly userAgent?: string | undefined;
}

/** Runs the CLI and returns the exit code. Errors become a message and code 1, never a stack trace. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        kind: { type: 'string', short: 'k', default: 'sensor' },
        dir: { type: 'string', short: 'd' },
        force: { type: 'boolean', short: 'f', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    if (positionals.length !== 1) {
      throw new CreateKeelPluginError(
        'CREATE_INVALID_ARGS',
        positionals.length === 0 ? 'missing <name>' : `expected one <name>, got ${positionals.length}`,
        { field: 'name', value: positionals, hint: 'create-keel-plugin keel-plugin-range-burst' },
      );
    }
    const name = positionals[0] ?? '';
    const kind = values.kind;
    if (!isKind(kind)) {
      throw new CreateKeelPluginError(
        'CREATE_INVALID_KIND',
        `--kind ${JSON.stringify(kind)} is not one of ${PLUGIN_KINDS.join(', ')}`,
        {
          field: 'kind',
          value: kind,
        },
      );
    }
    const dir = path.resolve(io.cwd, values.dir ?? parsePluginName(name).baseName);
    const result = await scaffoldPlugin({ name, kind, dir, force: values.force });
    const pm = packageManager(io.userAgent);
    const rel = path.relative(io.cwd, result.dir) || '.';
    io.out(`Created ${result.packageName} (plugin id ${result.id}, ${result.kind}) in ${rel}:`);
    for (const file of result.files) io.out(`  ${file}`);
    io.out('');
    io.out('Next steps:');
    if (rel !== '.') io.out(`  cd ${rel.includes(' ') ? JSON.stringify(rel) : rel}`);
    io.out(`  ${pm} install`);
    io.out(`  ${pm === 'npm' ? 'npm test' : `${pm} test`}      # contract check + behaviour test`);
    io.out(`  edit src/index.ts, then ${pm === 'npm' ? 'npm run build' : `${pm} build`}`);
    return 0;
  } catch (error) {
    io.err(`create-keel-plugin: ${error instanceof Error ? error.message : String(error)}`);
    const hint = (error as { hint?: unknown }).hint;
    if (typeof hint === 'string') io.err(`  hint: ${hint}`);
    if (!(error instanceof CreateKeelPluginError)) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) io.err(USAGE);
    }
    return 1;
  }
}

function isKind(value: unknown): value is PluginKind {
  return typeof value === 'string' && (PLUGIN_KINDS as readonly string[]).includes(value);
}

function packageManager(userAgent: string | undefined): 'npm' | 'pnpm' | 'yarn' | 'bun' {
  const name = userAgent?.split('/')[0];
  return name === 'pnpm' || name === 'yarn' || name === 'bun' ? name : 'npm';
}
