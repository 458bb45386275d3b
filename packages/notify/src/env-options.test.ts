import { describe, expect, it } from 'vitest';
import {
  readEnvBoolean,
  readEnvBooleanInto,
  readEnvList,
  readEnvNumber,
  readEnvNumberInto,
  readEnvText,
  splitEnvList,
} from './env-options.js';

describe('env option readers', () => {
  const env = { TEXT: '  hi ', BLANK: '  ', LIST: 'a, b;\nc,,', NUM: ' 42 ', BAD: 'x', YES: 'On', NO: '0' };

  it('reads trimmed text and lists, leaving unset and blank variables out', () => {
    expect(readEnvText(env, 'TEXT', 'text')).toEqual({ text: 'hi' });
    expect(readEnvText(env, 'BLANK', 'text')).toEqual({});
    expect(readEnvText(env, 'UNSET', 'text')).toEqual({});
    expect(readEnvList(env, 'LIST', 'to')).toEqual({ to: ['a', 'b', 'c'] });
    expect(readEnvList(env, 'BLANK', 'to')).toEqual({});
    expect(splitEnvList(undefined)).toEqual([]);
  });

  it('passes malformed numbers and booleans on for the schema to reject', () => {
    expect(readEnvNumber(env, 'NUM')).toBe(42);
    expect(readEnvNumber(env, 'BAD')).toBeNaN();
    expect(readEnvNumber(env, 'UNSET')).toBeUndefined();
    expect(readEnvNumberInto(env, 'NUM', 'n')).toEqual({ n: 42 });
    expect(readEnvNumberInto(env, 'UNSET', 'n')).toEqual({});
    expect(readEnvBoolean(env, 'YES')).toBe(true);
    expect(readEnvBoolean(env, 'NO')).toBe(false);
    expect(readEnvBoolean(env, 'BAD')).toBe('x');
    expect(readEnvBooleanInto(env, 'YES', 'b')).toEqual({ b: true });
    expect(readEnvBooleanInto(env, 'BLANK', 'b')).toEqual({});
  });
});
