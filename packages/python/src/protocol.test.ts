import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeLine, encodeRequest, encodeReturn, PythonObject } from './protocol.js';

describe('line protocol', () => {
  it('encodes one request per line that parses back to the op, id and body', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.constantFrom('bar', 'run', 'rpc', 'event', 'reset'),
        fc.dictionary(
          fc.string().filter((k) => !['t', 'id', 'op', '__proto__'].includes(k)),
          fc.jsonValue(),
        ),
        (id, op, body) => {
          const line = encodeRequest(id, op, body);
          expect(line.endsWith('\n')).toBe(true);
          expect(line.slice(0, -1)).not.toContain('\n');
          expect(JSON.parse(line)).toEqual({ t: 'req', id, op, ...JSON.parse(JSON.stringify(body)) });
        },
      ),
    );
  });

  it('turns non-finite markers back into NaN and Infinity, and unknown objects into PythonObject', () => {
    const m = decodeLine(
      '{"t":"res","id":1,"ok":true,"v":{"a":{"$keel_nf":"NaN"},"b":[{"$keel_nf":"-Infinity"}],"c":{"$keel_obj":"Decimal"}}}',
    ) as { v: { a: number; b: number[]; c: PythonObject } };
    expect(Number.isNaN(m.v.a)).toBe(true);
    expect(m.v.b).toEqual([-Infinity]);
    expect(m.v.c).toBeInstanceOf(PythonObject);
    expect(m.v.c.pythonType).toBe('Decimal');
  });

  it('leaves ordinary values alone', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const line = JSON.stringify({ t: 'res', id: 1, ok: true, v });
        expect(decodeLine(line)).toEqual(JSON.parse(line));
      }),
    );
  });

  it('encodes answers to the child', () => {
    expect(JSON.parse(encodeReturn(3, { ok: true, v: undefined }))).toEqual({
      t: 'ret',
      cid: 3,
      ok: true,
      v: null,
    });
    expect(JSON.parse(encodeReturn(4, { ok: false, err: 'no' }))).toEqual({
      t: 'ret',
      cid: 4,
      ok: false,
      err: 'no',
    });
  });
});
