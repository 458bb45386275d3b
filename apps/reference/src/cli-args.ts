import { KeelError } from '@keel/contract';
import { closestName } from './closest-name.js';

/** One `--flag` of a command, as the parser and the help text see it. */
export interface OptionSpec {
  /** Long name without the dashes. */
  readonly name: string;
  readonly short?: string;
  readonly type: 'string' | 'boolean';
  /** Placeholder shown in help, e.g. `file.csv`. */
  readonly value?: string;
  readonly description: string;
  /** The default as the help text states it. */
  readonly default?: string;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly options: readonly OptionSpec[];
  readonly example: string;
}

/** Usage mistakes: the CLI prints one line and exits with code 2. */
export const CLI_USAGE_CODES = {
  CLI_UNKNOWN_COMMAND: 'the first word is not a keel command',
  CLI_UNKNOWN_OPTION: 'a flag the command does not have',
  CLI_MISSING_VALUE: 'a flag that takes a value was given none',
  CLI_UNEXPECTED_ARGUMENT: 'a word that is neither a flag nor the value of one',
  CLI_INVALID_VALUE: 'a flag value of the wrong kind (a port that is not a number, ...)',
} as const;
export type CliUsageErrorCode = keyof typeof CLI_USAGE_CODES;
export class CliUsageError extends KeelError<CliUsageErrorCode> {}

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export type ParsedCommandLine =
  | { readonly kind: 'help'; readonly command?: CommandSpec }
  | { readonly kind: 'version' }
  | { readonly kind: 'command'; readonly command: CommandSpec; readonly values: OptionValues };

const HELP: OptionSpec = { name: 'help', short: 'h', type: 'boolean', description: 'this text' };

/**
 * `keel <command> [flags]`. Flags: `--name value`, `--name=value`, `-x value`, booleans without a
 * value; `--` ends the flags. No positional arguments: anything else is a usage error naming the
 * word, so a typo never silently changes what runs.
 */
export function parseCommandLine(
  argv: readonly string[],
  commands: readonly CommandSpec[],
): ParsedCommandLine {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') return { kind: 'help' };
  if (first === '--version' || first === '-V') return { kind: 'version' };
  if (first === 'help') {
    const target = rest[0];
    if (target === undefined) return { kind: 'help' };
    return { kind: 'help', command: findCommand(target, commands) };
  }
  if (first.startsWith('-')) {
    throw new CliUsageError('CLI_UNKNOWN_OPTION', `unknown option ${flagName(first)} (see keel --help)`, {
      field: flagName(first),
      hint: 'put the command first: keel <command> [options]',
    });
  }
  const command = findCommand(first, commands);
  const values = parseOptions(rest, command);
  if (values.help === true) return { kind: 'help', command };
  return { kind: 'command', command, values };
}

function findCommand(name: string, commands: readonly CommandSpec[]): CommandSpec {
  const command = commands.find((c) => c.name === name);
  if (command !== undefined) return command;
  const near = closestName(
    name,
    commands.map((c) => c.name),
  );
  throw new CliUsageError(
    'CLI_UNKNOWN_COMMAND',
    `unknown command '${name}'${near === undefined ? '' : ` (did you mean '${near}'?)`} (see keel --help)`,
    { field: 'command', value: name },
  );
}

function flagName(token: string): string {
  const eq = token.indexOf('=');
  return eq < 0 ? token : token.slice(0, eq);
}

function parseOptions(args: readonly string[], command: CommandSpec): Record<string, string | boolean> {
  const options = [...command.options, HELP];
  const values: Record<string, string | boolean> = {};
  const seeHelp = `see keel ${command.name} --help`;
  for (let i = 0; i < args.length; i++) {
    const token = args[i] as string;
    if (token === '--') {
      const extra = args[i + 1];
      if (extra === undefined) break;
      throw new CliUsageError(
        'CLI_UNEXPECTED_ARGUMENT',
        `unexpected argument '${extra}' for '${command.name}' (${seeHelp})`,
        { field: 'argument', value: extra },
      );
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const name = eq < 0 ? token.slice(2) : token.slice(2, eq);
      inline = eq < 0 ? undefined : token.slice(eq + 1);
      spec = options.find((o) => o.name === name);
    } else if (token.startsWith('-') && token.length > 1) {
      const eq = token.indexOf('=');
      const short = eq < 0 ? token.slice(1) : token.slice(1, eq);
      inline = eq < 0 ? undefined : token.slice(eq + 1);
      spec = options.find((o) => o.short === short);
    } else {
      throw new CliUsageError(
        'CLI_UNEXPECTED_ARGUMENT',
        `unexpected argument '${token}' for '${command.name}' (${seeHelp})`,
        { field: 'argument', value: token },
      );
    }
    if (spec === undefined) {
      const flag = flagName(token);
      const near = token.startsWith('--')
        ? closestName(
            flag.slice(2),
            options.map((o) => o.name),
          )
        : undefined;
      throw new CliUsageError(
        'CLI_UNKNOWN_OPTION',
        `unknown option ${flag} for '${command.name}'${near === undefined ? '' : ` (did you mean --${near}?)`} (${seeHelp})`,
        { field: flag },
      );
    }
    if (spec.type === 'boolean') {
      if (inline !== undefined) {
        throw new CliUsageError(
          'CLI_INVALID_VALUE',
          `option --${spec.name} of '${command.name}' takes no value (${seeHelp})`,
          { field: `--${spec.name}`, value: inline },
        );
      }
      values[spec.name] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = args[i + 1];
      if (next === undefined || (next.startsWith('-') && next.length > 1)) {
        throw new CliUsageError(
          'CLI_MISSING_VALUE',
          `option --${spec.name} of '${command.name}' needs a value, e.g. --${spec.name} ${spec.value ?? 'value'} (${seeHelp})`,
          { field: `--${spec.name}` },
        );
      }
      value = next;
      i++;
    }
    values[spec.name] = value;
  }
  return values;
}

/** `keel <command> --help`: what it does, every option with its default, one example. */
export function commandHelp(command: CommandSpec): string {
  const options = [...command.options, HELP];
  const left = options.map(
    (o) =>
      `${o.short === undefined ? '    ' : `-${o.short}, `}--${o.name}${o.type === 'string' ? ` <${o.value ?? 'value'}>` : ''}`,
  );
  const width = Math.max(...left.map((l) => l.length)) + 2;
  const lines = options.flatMap((o, i) => [
    `  ${(left[i] as string).padEnd(width)}${o.description}`,
    ...(o.default === undefined ? [] : [`  ${' '.repeat(width)}default: ${o.default}`]),
  ]);
  return [
    `keel ${command.name} — ${command.summary}`,
    '',
    `Usage: keel ${command.name} [options]`,
    '',
    'Options:',
    ...lines,
    '',
    'Example:',
    `  ${command.example}`,
  ].join('\n');
}

/** `keel --help`: the commands, one line each. */
export function globalHelp(commands: readonly CommandSpec[], footer: string): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 3;
  return [
    'keel — the Keel reference app: replay bars through plugins, load strategy artifacts, publish alerts',
    '',
    'Usage: keel <command> [options]      keel <command> --help      keel --version',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    footer,
  ].join('\n');
}
