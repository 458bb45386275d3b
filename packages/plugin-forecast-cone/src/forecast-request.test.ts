import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ForecastError } from './errors.js';
import { MIN_CLOSES, MIN_GARCH_CLOSES, parseForecastRequest } from './forecast-request.js';

const limits = { maxHorizon: 250, maxCloses: 5000, defaultModel: 'ewma' as const };
const price = fc.double({ min: 0.01, max: 1e6, noNaN: true, noDefaultInfinity: true });
const closes = (min: number) => fc.array(price, { minLength: min, maxLength: 400 });
const model = fc.constantFrom('ewma', 'garch', 'bootstrap');

function errorOf(payload: unknown): ForecastError {
  const r = parseForecastRequest(payload, limits);
  if (r.ok) throw new Error('expected a rejection');
  return r.error;
}

describe('parseForecastRequest', () => {
  it('accepts every well-formed request and applies the defaults', () => {
    fc.assert(
      fc.property(closes(MIN_GARCH_CLOSES), fc.integer({ min: 1, max: 250 }), fc.option(model), (c, h, m) => {
        const r = parseForecastRequest(
          { closes: c, horizon: h, ...(m === null ? {} : { model: m }) },
          limits,
        );
        expect(r.ok).toBe(true);
        if (r.ok)
          expect(r.request).toEqual({ closes: c, horizon: h, model: m ?? 'ewma', recalibrate: false });
      }),
    );
  });

  it('names the first non-positive price by index', () => {
    fc.assert(
      fc.property(closes(MIN_CLOSES), fc.nat(), fc.constantFrom(0, -0, -1, -1e-9, -1e9), (c, at, bad) => {
        const i = at % c.length;
        const e = errorOf({ closes: c.map((x, j) => (j === i ? bad : x)), horizon: 5 });
        expect(e).toBeInstanceOf(ForecastError);
        expect(e.code).toBe('FORECAST_NON_POSITIVE_PRICE');
        expect(e.field).toBe(`closes[${i}]`);
        expect(e.message).toContain(`closes[${i}]`);
        expect(e.hint).toBeDefined();
      }),
    );
  });

  it('rejects horizons outside 1..maxHorizon and non-integers', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ max: 0 }),
          fc.integer({ min: 251 }),
          fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
        ),
        (h) => {
          const e = errorOf({ closes: Array(40).fill(100), horizon: h });
          expect(e.code).toBe('FORECAST_HORIZON_OUT_OF_RANGE');
          expect(e.field).toBe('horizon');
          expect(e.message).toContain('1..250');
        },
      ),
    );
  });

  it('asks each model for its minimum number of closes', () => {
    expect(errorOf({ closes: Array(MIN_CLOSES - 1).fill(1), horizon: 1 })).toMatchObject({
      code: 'FORECAST_TOO_FEW_CLOSES',
      field: 'closes',
      value: MIN_CLOSES - 1,
    });
    expect(parseForecastRequest({ closes: Array(MIN_CLOSES).fill(1), horizon: 1 }, limits).ok).toBe(true);
    const e = errorOf({ closes: Array(MIN_CLOSES).fill(1), horizon: 1, model: 'garch' });
    expect(e.code).toBe('FORECAST_TOO_FEW_CLOSES');
    expect(e.message).toBe(`closes: garch needs at least ${MIN_GARCH_CLOSES} closes, got ${MIN_CLOSES}`);
    expect(errorOf({ closes: Array(5001).fill(1), horizon: 1 }).code).toBe('FORECAST_TOO_MANY_CLOSES');
  });

  it('rejects unknown models and malformed payloads with the field and value', () => {
    expect(errorOf({ closes: Array(40).fill(1), horizon: 1, model: 'lstm' })).toMatchObject({
      code: 'FORECAST_UNKNOWN_MODEL',
      field: 'model',
      message: 'model "lstm" is not one of ewma, garch, bootstrap, chronos',
    });
    const e = errorOf({ closes: [1, 2, 'x'], horizon: 1 });
    expect(e).toMatchObject({ code: 'FORECAST_INVALID_PAYLOAD', field: 'closes[2]', value: 'x' });
    expect(e.message).toContain('(got "x")');
    expect(errorOf({ closes: [], horizon: 1, horizn: 2 }).code).toBe('FORECAST_INVALID_PAYLOAD');
    expect(errorOf(null).field).toBe('payload');
  });

  it('never throws, whatever the payload', () => {
    fc.assert(
      fc.property(fc.anything(), (payload) => {
        const r = parseForecastRequest(payload, limits);
        if (!r.ok) {
          expect(r.error).toBeInstanceOf(ForecastError);
          expect(r.error.message).not.toContain('\n');
        }
      }),
    );
  });
});
