import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isKeelError } from '@keel/contract';
import { z } from 'zod';
import type { AppLoadError } from './app-host.js';
import { CliUsageError, commandHelp, globalHelp, type OptionValues, parseCommandLine } from './cli-args.js';
import { COMMANDS, HELP_FOOTER } from './cli-commands.js';
import { type LoadedConfig, resolveConfig } from './config.js';
import { formatCount } from './progress-bar.js';
import { formatLoadErrors, printReplayReport, type ReplayReport, runReplay } from './run-replay.js';
import { printSignalsReport, runSignals, type SignalsReport } from './run-signals.js';
import { runServe } from './serve.js';
import { type LogLevel, LogLevelSchema } from './server/create-server.js';

/** The streams the CLI writes to; tests and embedders pass their own. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean });
  readonly cwd: string;
}

/** The app package's version (`keel --version`); `package.json` sits one level above `src/` and `dist/`. */
export function appVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * `keel …`: parses the command line, runs the command, and turns every failure into one readable
 * line and an exit code (0 done, 1 config/data/plugin/run error, 2 usage mistake). Never a stack
 * trace, unless `KEEL_DEBUG=1`.
 */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const print = (line: string) => void io.stdout.write(`${line}\n`);
  const warn = (line: string) => void io.stderr.write(`${line}\n`);
  let json = false;
  let commandName = '';
  let loadErrors: readonly AppLoadError[] = [];
  try {
    const parsed = parseCommandLine(argv, COMMANDS);
    if (parsed.kind === 'version') {
      print(appVersion());
      return 0;
    }
    if (parsed.kind === 'help') {
      print(parsed.command === undefined ? globalHelp(COMMANDS, HELP_FOOTER) : commandHelp(parsed.command));
      return 0;
    }
    const { command, values } = parsed;
    commandName = command.name;
    json = values.json === true;
    const serveArgs = command.name === 'serve' ? parseServeValues(values) : undefined;
    const loaded = withDataOverride(await resolveConfig(str(values.config), io.cwd), values, io.cwd);
    const out = json ? () => {} : print;
    out(`Keel reference app · ${describeConfig(loaded, io.cwd)}`);

    if (serveArgs !== undefined) {
      await runServe(loaded, serveArgs, out);
      return 0;
    }
    const document: Record<string, unknown> = {
      ok: true,
      command: command.name,
      version: appVersion(),
      config: loaded.file,
    };
    if (command.name === 'run' || command.name === 'replay') {
      const report = await runReplay(loaded, {
        allowLoadErrors: values['allow-load-errors'] === true,
        progress: io.stderr,
        onLoadErrors: (errors) => {
          loadErrors = errors;
          for (const line of formatLoadErrors(errors)) warn(line);
        },
      });
      document.replay = report;
      if (!json) printReplay(report, out);
    }
    if (command.name === 'run' || command.name === 'signals') {
      // The console channel prints alert blocks; with --json they go to stderr so stdout stays one document.
      const signals = await runSignals(loaded, json ? { consoleStream: io.stderr } : {});
      document.signals = signalsJson(signals);
      if (!json) printSignalsReport(loaded, signals, out);
    }
    if (json) print(JSON.stringify(document));
    return 0;
  } catch (error) {
    if (error instanceof CliUsageError) {
      warn(`keel: ${error.message}`);
      return 2;
    }
    if (isKeelError(error)) {
      warn(`error ${error.code}: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ''}`);
      if (json) {
        print(JSON.stringify({ ok: false, command: commandName, error: error.toJSON(), loadErrors }));
      }
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    warn(`error: ${message}`);
    if (process.env.KEEL_DEBUG === '1') warn(error instanceof Error ? (error.stack ?? message) : message);
    else warn('  hint: set KEEL_DEBUG=1 to see where it came from');
    if (json)
      print(JSON.stringify({ ok: false, command: commandName, error: { code: 'INTERNAL', message } }));
    return 1;
  }
}

function defaultIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
}

function str(v: string | boolean | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function describeConfig(loaded: LoadedConfig, cwd: string): string {
  if (loaded.file === null) return 'built-in config (state in ./.keel)';
  return `config ${path.relative(cwd, loaded.file) || loaded.file}`;
}

/**
 * `--data` / `--symbol` on top of the config. A CLI path is relative to the current folder (not
 * the config's), and the symbol defaults to the file name's first word (`SPY_5m.csv` → `SPY`).
 */
export function withDataOverride(loaded: LoadedConfig, values: OptionValues, cwd: string): LoadedConfig {
  const data = str(values.data);
  const symbol = str(values.symbol);
  if (data === undefined && symbol === undefined) return loaded;
  const source =
    data === undefined ? loaded.config.data.source : data === 'sample' ? 'sample' : path.resolve(cwd, data);
  const sym =
    symbol ??
    (data === undefined || data === 'sample' ? undefined : symbolFromFileName(data)) ??
    loaded.config.data.symbol;
  return { ...loaded, config: { ...loaded.config, data: { ...loaded.config.data, source, symbol: sym } } };
}

/** `SPY_5m.csv` → `SPY`, `qqq-1d.csv` → `QQQ`; `undefined` when the name starts with no letter or digit. */
export function symbolFromFileName(file: string): string | undefined {
  const word = /^[A-Za-z0-9]+/.exec(path.basename(file))?.[0];
  return word === undefined ? undefined : word.toUpperCase();
}

const ServeValuesSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).optional(),
  host: z.string().min(1).optional(),
  speed: z.coerce.number().min(0).max(10_000_000).optional(),
  token: z.string().optional(),
  'log-level': LogLevelSchema.optional(),
});

function parseServeValues(values: OptionValues): {
  port?: number;
  host?: string;
  speed?: number;
  token?: string;
  logLevel?: LogLevel;
} {
  const raw = {
    port: values.port,
    host: values.host,
    speed: values.speed,
    token: values.token,
    'log-level': values['log-level'],
  };
  const parsed = ServeValuesSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? 'value');
    throw new CliUsageError(
      'CLI_INVALID_VALUE',
      `option --${field} of 'serve': ${JSON.stringify(raw[field as keyof typeof raw])} is not valid (${issue?.message ?? 'invalid'}) (see keel serve --help)`,
      { field: `--${field}` },
    );
  }
  const { port, host, speed, token } = parsed.data;
  const logLevel = parsed.data['log-level'];
  return {
    ...(logLevel === undefined ? {} : { logLevel }),
    ...(token === undefined ? {} : { token }),
    ...(port === undefined ? {} : { port }),
    ...(host === undefined ? {} : { host }),
    ...(speed === undefined ? {} : { speed }),
  };
}

function printReplay(report: ReplayReport, out: (line: string) => void): void {
  const total = report.data.total === null ? '' : `, ${formatCount(report.data.total)} rows`;
  out(`Data: ${report.data.source} (${report.data.symbol}${total})`);
  printReplayReport(report, out);
}

/** The signals report without the in-code publish result (it holds a method and every delivery record). */
function signalsJson(report: SignalsReport): Omit<SignalsReport, 'result'> {
  const { result: _result, ...rest } = report;
  return rest;
}
