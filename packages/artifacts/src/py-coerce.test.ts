import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrown } from '../test/base-artifact.js';
import { ArtifactContractError } from './errors.js';
import {
  asBool,
  cpSort,
  normField,
  normMode,
  optStr,
  pyOr,
  pyRepr,
  pyStr,
  pyTrim,
  pyTruthy,
  reqStr,
} from './py-coerce.js';

describe('pyTrim', () => {
  it('removes the Python whitespace set, including \\x1c-\\x1f and U+0085, but keeps U+FEFF', () => {
    expect(pyTrim('\x1c\x1d\x1e\x1f\u0085 a \u3000\u2028\u202f')).toBe('a');
    expect(pyTrim('\ufeffa\ufeff')).toBe('\ufeffa\ufeff');
    expect(pyTrim('\t\n\x0b\x0c\r x \u00a0\u1680\u2000\u200a\u2029\u205f')).toBe('x');
    expect(pyTrim('\u200b')).toBe('\u200b');
  });

  it('is idempotent and never leaves whitespace at the ends', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const t = pyTrim(s);
        expect(pyTrim(t)).toBe(t);
        expect(s.includes(t)).toBe(true);
      }),
    );
  });
});

describe('pyStr / pyRepr', () => {
  it.each([
    ['x', 'x'],
    [null, 'None'],
    [undefined, 'None'],
    [true, 'True'],
    [false, 'False'],
    [20260417, '20260417'],
    [-3, '-3'],
    [0, '0'],
    [-0, '0'],
    [1.5, '1.5'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [-1.5e-7, '-1.5e-07'],
    [1.5e-300, '1.5e-300'],
    [Number.NaN, 'nan'],
    [Number.POSITIVE_INFINITY, 'inf'],
    [Number.NEGATIVE_INFINITY, '-inf'],
    [['shadow'], "['shadow']"],
    [[1, null, true], '[1, None, True]'],
    [{ a: 1, b: 'x' }, "{'a': 1, 'b': 'x'}"],
    [[], '[]'],
    [{}, '{}'],
  ])('pyStr(%j) = %s', (value, expected) => {
    expect(pyStr(value)).toBe(expected);
  });

  it('renders bigint as decimal digits', () => {
    expect(pyStr(12n)).toBe('12');
  });

  it('quotes and escapes strings like Python repr', () => {
    expect(pyRepr("it's")).toBe('"it\'s"');
    expect(pyRepr('say "hi"')).toBe('\'say "hi"\'');
    expect(pyRepr('both \' and "')).toBe("'both \\' and \"'");
    expect(pyRepr('a\\b\tc\nd\re')).toBe("'a\\\\b\\tc\\nd\\re'");
    expect(pyRepr('\x00\x7f\u00a0\u200b\u2028\ud83d\ude00\udb80\udc00')).toBe(
      "'\\x00\\x7f\\xa0\\u200b\\u2028\ud83d\ude00\\U000f0000'",
    );
    expect(pyRepr('中文 é')).toBe("'中文 é'");
  });
});

describe('truthiness and string coercions', () => {
  it('pyTruthy follows Python', () => {
    for (const v of [null, undefined, false, 0, -0, '', [], {}]) expect(pyTruthy(v)).toBe(false);
    for (const v of [Number.NaN, 'false', '0', [0], { a: null }, true, 1, ' '])
      expect(pyTruthy(v)).toBe(true);
  });

  it('optStr converts non-strings and blanks to null', () => {
    expect(optStr(null)).toBeNull();
    expect(optStr(undefined)).toBeNull();
    expect(optStr('  ')).toBeNull();
    expect(optStr(true)).toBe('True');
    expect(optStr(0)).toBe('0');
    expect(optStr([])).toBe('[]');
    expect(optStr(' x ')).toBe('x');
  });

  it('reqStr raises REQUIRED_FIELD naming the field and showing the value', () => {
    const error = thrown(() => reqStr('  ', 'strategy'));
    expect(error).toBeInstanceOf(ArtifactContractError);
    expect(error).toMatchObject({ code: 'REQUIRED_FIELD', field: 'strategy', value: '  ' });
    expect((error as Error).message).toBe('strategy is required; got "  "');
  });

  it('asBool accepts the Python truthy words only', () => {
    for (const v of ['Yes', 1, '1', ' on ', 'TRUE', 'y', true]) expect(asBool(v, false)).toBe(true);
    for (const v of ['no', 0, 2, 'false', '', 'off', false, [], 'ja']) expect(asBool(v, true)).toBe(false);
    expect(asBool(null, true)).toBe(true);
    expect(asBool(undefined, false)).toBe(false);
  });

  it('normMode accepts only shadow', () => {
    expect(normMode(' SHADOW ', 'mode')).toBe('shadow');
    for (const v of [null, '', 0, false, 'paper', ['shadow'], 'live', undefined]) {
      expect(thrown(() => normMode(v, 'expected_mode'))).toMatchObject({
        code: 'UNSUPPORTED_MODE',
        field: 'expected_mode',
      });
    }
    expect((thrown(() => normMode('live', 'expected_mode')) as Error).message).toBe(
      'expected_mode must be "shadow"; got "live"',
    );
  });

  it('normMode never returns anything but shadow', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          expect(normMode(v, 'mode')).toBe('shadow');
          expect(pyTrim(pyStr(v)).toLowerCase()).toBe('shadow');
        } catch (error) {
          expect(error).toBeInstanceOf(ArtifactContractError);
        }
      }),
    );
  });

  it('normField lower-cases and maps blanks to unknown', () => {
    expect(normField(' Risk_Off ')).toBe('risk_off');
    expect(normField(null)).toBe('unknown');
    expect(normField('')).toBe('unknown');
    expect(normField(0)).toBe('unknown');
  });

  it('cpSort orders by code point, not UTF-16 unit', () => {
    expect(cpSort(['\uffff', '\ud83d\ude00', 'b', 'a'])).toEqual(['a', 'b', '\uffff', '\ud83d\ude00']);
  });

  it('pyOr returns the first truthy operand, else the last', () => {
    expect(pyOr('', 'x', 'y')).toBe('x');
    expect(pyOr('', null, 0)).toBe(0);
  });
});
