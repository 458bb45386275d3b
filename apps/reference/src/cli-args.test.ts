import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CliUsageError, commandHelp, parseCommandLine } from './cli-args.js';
import { COMMANDS } from './cli-commands.js';

const replay = COMMANDS.find((c) => c.name === 'replay')!;

function usageError(argv: string[]): CliUsageError {
  try {
    parseCommandLine(argv, COMMANDS);
  } catch (error) {
    if (error instanceof CliUsageError) return error;
    throw error;
  }
  throw new Error(`no usage error for ${JSON.stringify(argv)}`);
}

describe('parseCommandLine', () => {
  it('reads the command, flags with values (both spellings), booleans and short flags', () => {
    expect(
      parseCommandLine(['replay', '--data', 'a.csv', '--symbol=SPY', '--json', '-c', 'k.json'], COMMANDS),
    ).toEqual({
      kind: 'command',
      command: replay,
      values: { data: 'a.csv', symbol: 'SPY', json: true, config: 'k.json' },
    });
  });

  it('help and version in every spelling', () => {
    expect(parseCommandLine([], COMMANDS)).toEqual({ kind: 'help' });
    expect(parseCommandLine(['--help'], COMMANDS)).toEqual({ kind: 'help' });
    expect(parseCommandLine(['help', 'replay'], COMMANDS)).toEqual({ kind: 'help', command: replay });
    expect(parseCommandLine(['replay', '-h'], COMMANDS)).toEqual({ kind: 'help', command: replay });
    expect(parseCommandLine(['--version'], COMMANDS)).toEqual({ kind: 'version' });
    expect(parseCommandLine(['-V'], COMMANDS)).toEqual({ kind: 'version' });
  });

  it('names what is wrong, with a near match when there is one', () => {
    expect(usageError(['bogus', '--flag']).message).toBe("unknown command 'bogus' (see keel --help)");
    expect(usageError(['replya']).message).toBe(
      "unknown command 'replya' (did you mean 'replay'?) (see keel --help)",
    );
    expect(usageError(['replay', '--flag']).message).toBe(
      "unknown option --flag for 'replay' (see keel replay --help)",
    );
    expect(usageError(['signals', '--data', 'x.csv'])).toMatchObject({
      code: 'CLI_UNKNOWN_OPTION',
      field: '--data',
    });
    expect(usageError(['replay', '--data'])).toMatchObject({ code: 'CLI_MISSING_VALUE', field: '--data' });
    expect(usageError(['replay', '--data', '--json'])).toMatchObject({ code: 'CLI_MISSING_VALUE' });
    expect(usageError(['replay', 'extra'])).toMatchObject({
      code: 'CLI_UNEXPECTED_ARGUMENT',
      value: 'extra',
    });
    expect(usageError(['replay', '--json=yes'])).toMatchObject({ code: 'CLI_INVALID_VALUE' });
    expect(usageError(['--bogus'])).toMatchObject({ code: 'CLI_UNKNOWN_OPTION', field: '--bogus' });
  });

  it('property: any flag a command does not have is reported by name, never parsed', () => {
    const known = new Set(replay.options.map((o) => o.name).concat('help'));
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/).filter((n) => !known.has(n)),
        fc.boolean(),
        (name, inline) => {
          const error = usageError(['replay', inline ? `--${name}=1` : `--${name}`]);
          expect(error.code).toBe('CLI_UNKNOWN_OPTION');
          expect(error.message.startsWith(`unknown option --${name} for 'replay'`)).toBe(true);
        },
      ),
    );
  });

  it('property: string values round-trip in both spellings, whatever they contain', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((v) => !v.startsWith('-')),
        fc.string(),
        (data, symbol) => {
          const parsed = parseCommandLine(['replay', '--data', data, `--symbol=${symbol}`], COMMANDS);
          expect(parsed).toMatchObject({ kind: 'command', values: { data, symbol } });
        },
      ),
    );
  });
});

describe('commandHelp', () => {
  it('shows every option of the command with its default, and an example', () => {
    for (const command of COMMANDS) {
      const text = commandHelp(command);
      expect(text.startsWith(`keel ${command.name} — `)).toBe(true);
      for (const o of command.options) {
        expect(text).toContain(`--${o.name}`);
        if (o.default !== undefined) expect(text).toContain(`default: ${o.default}`);
      }
      expect(text).toContain(`Example:\n  ${command.example}`);
      expect(command.example.startsWith(`keel ${command.name}`)).toBe(true);
    }
  });
});
