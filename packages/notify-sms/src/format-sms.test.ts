import { describe, expect, it } from 'vitest';
import { formatSmsMessages } from './format-sms.js';

describe('formatSmsMessages', () => {
  it('joins subject and body with a newline, dropping empty parts', () => {
    const m = { alertKey: 'k', metadata: {} };
    expect(formatSmsMessages({ ...m, subject: 'S', body: 'B' }, 800, 1600)).toEqual(['S\nB']);
    expect(formatSmsMessages({ ...m, subject: ' ', body: 'B' }, 800, 1600)).toEqual(['B']);
    expect(formatSmsMessages({ ...m, subject: '', body: '' }, 800, 1600)).toEqual([]);
  });
});
