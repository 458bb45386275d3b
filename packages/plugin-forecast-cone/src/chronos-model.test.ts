import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHost, createLogger, type Host } from '@keel/host';
import { expectPluginContract } from '@keel/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CHRONOS_BOLT_QUANTILES, loadChronosModel } from './chronos-model.js';
import { createForecastCone, FORECAST_METHOD, type ForecastResponse } from './forecast-cone-plugin.js';

// A minimal protobuf writer, enough for the ONNX messages below (field numbers from onnx.proto3).
class Pb {
  readonly bytes: number[] = [];
  private key(field: number, wire: number) {
    this.varint((field << 3) | wire);
  }
  varint(n: number) {
    let v = n;
    while (v > 127) {
      this.bytes.push((v & 127) | 128);
      v = Math.floor(v / 128);
    }
    this.bytes.push(v);
  }
  int(field: number, n: number) {
    this.key(field, 0);
    this.varint(n);
    return this;
  }
  raw(field: number, data: Uint8Array | number[]) {
    this.key(field, 2);
    this.varint(data.length);
    for (const b of data) this.bytes.push(b);
    return this;
  }
  str(field: number, s: string) {
    return this.raw(field, [...new TextEncoder().encode(s)]);
  }
  msg(field: number, m: Pb) {
    return this.raw(field, m.bytes);
  }
}

const FLOAT = 1;
const INT64 = 7;

function tensor(name: string, type: number, dims: number[], data: Float32Array | BigInt64Array): Pb {
  const t = new Pb();
  for (const d of dims) t.int(1, d);
  return t.int(2, type).str(8, name).raw(9, new Uint8Array(data.buffer));
}

function valueInfo(name: string, dims: Array<number | string>): Pb {
  const shape = new Pb();
  for (const d of dims) shape.msg(1, typeof d === 'number' ? new Pb().int(1, d) : new Pb().str(2, d));
  const tensorType = new Pb().int(1, FLOAT).msg(2, shape);
  return new Pb().str(1, name).msg(2, new Pb().msg(1, tensorType));
}

function node(op: string, inputs: string[], outputs: string[]): Pb {
  const n = new Pb();
  for (const i of inputs) n.str(1, i);
  for (const o of outputs) n.str(2, o);
  return n.str(3, op.toLowerCase()).str(4, op);
}

/**
 * A two-node graph with Chronos-Bolt's contract: `context [1, n]` → `quantile_preds [1, Q, steps]`,
 * where quantile q at step k is the last close times `1 + (q − 0.5)·0.02·√k` (Slice the last value,
 * Mul by a constant [1, Q, steps] tensor, broadcast).
 */
function chronosLikeModel(
  quantiles: readonly number[],
  steps: number,
): { bytes: Uint8Array; factor: (qi: number, k: number) => number } {
  const factor = (qi: number, k: number) => Math.fround(1 + (quantiles[qi]! - 0.5) * 0.02 * Math.sqrt(k));
  const w = new Float32Array(quantiles.length * steps);
  for (let qi = 0; qi < quantiles.length; qi++)
    for (let k = 1; k <= steps; k++) w[qi * steps + k - 1] = factor(qi, k);
  const graph = new Pb()
    .msg(1, node('Slice', ['context', 'starts', 'ends', 'axes'], ['last']))
    .msg(1, node('Mul', ['last', 'weights'], ['quantile_preds']))
    .str(2, 'chronos-like')
    .msg(5, tensor('starts', INT64, [1], BigInt64Array.of(-1n)))
    .msg(5, tensor('ends', INT64, [1], BigInt64Array.of(9223372036854775807n)))
    .msg(5, tensor('axes', INT64, [1], BigInt64Array.of(1n)))
    .msg(5, tensor('weights', FLOAT, [1, quantiles.length, steps], w))
    .msg(11, valueInfo('context', [1, 'n']))
    .msg(12, valueInfo('quantile_preds', [1, quantiles.length, steps]));
  const model = new Pb().int(1, 8).str(2, 'keel-test').msg(7, graph).msg(8, new Pb().str(1, '').int(2, 13));
  return { bytes: Uint8Array.from(model.bytes), factor };
}

const dir = mkdtempSync(path.join(tmpdir(), 'keel-chronos-'));
const modelPath = path.join(dir, 'chronos-like.onnx');
const built = chronosLikeModel(CHRONOS_BOLT_QUANTILES, 64);
writeFileSync(modelPath, built.bytes);
const options = {
  modelPath,
  inputName: 'context',
  outputName: 'quantile_preds',
  quantiles: [...CHRONOS_BOLT_QUANTILES],
  contextLength: 512,
};
const closes = Array.from({ length: 300 }, (_, i) => 100 + 5 * Math.sin(i / 9) + i * 0.05);

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadChronosModel (onnxruntime-node, a model the test builds)', () => {
  it('runs the model and turns its quantile tensor into the cone', async () => {
    const model = await loadChronosModel(options);
    try {
      const f = await model.forecast(closes, 20);
      expect(model.steps()).toBe(64);
      const last = Math.fround(closes[299]!);
      for (let k = 1; k <= 20; k++) {
        // Quantile indices 0, 4 and 8 are the levels 0.1, 0.5 and 0.9.
        expect(f.q10[k - 1]).toBeCloseTo(Math.log((last * built.factor(0, k)) / closes[299]!), 6);
        expect(f.q50[k - 1]).toBeCloseTo(Math.log((last * built.factor(4, k)) / closes[299]!), 6);
        expect(f.q90[k - 1]).toBeCloseTo(Math.log((last * built.factor(8, k)) / closes[299]!), 6);
        expect(f.scale[k - 1]).toBeGreaterThan(0);
      }
      expect(f.model).toBe('chronos');
      await expect(model.forecast(closes, 65)).rejects.toMatchObject({
        code: 'FORECAST_HORIZON_OUT_OF_RANGE',
      });
    } finally {
      await model.dispose();
    }
  });

  it('refuses a model whose output does not have the configured quantile axis', async () => {
    const three = path.join(dir, 'three-quantiles.onnx');
    writeFileSync(three, chronosLikeModel([0.1, 0.5, 0.9], 8).bytes);
    const model = await loadChronosModel({ ...options, modelPath: three });
    try {
      await expect(model.forecast(closes, 5)).rejects.toMatchObject({
        code: 'FORECAST_MODEL_OUTPUT',
        message: 'chronos: quantile_preds has dims [1, 3, 8], expected float32 [1, 9, steps]',
      });
    } finally {
      await model.dispose();
    }
    const ok = await loadChronosModel({ ...options, modelPath: three, quantiles: [0.1, 0.5, 0.9] });
    expect((await ok.forecast(closes, 8)).q90).toHaveLength(8);
    await ok.dispose();
  });

  it('names what is wrong: a missing file, a wrong tensor name, a missing runtime', async () => {
    await expect(
      loadChronosModel({ ...options, modelPath: path.join(dir, 'nope.onnx') }),
    ).rejects.toMatchObject({
      code: 'FORECAST_MODEL_UNAVAILABLE',
      field: 'chronos.modelPath',
    });
    const garbage = path.join(dir, 'garbage.onnx');
    writeFileSync(garbage, 'not a model');
    const e = await loadChronosModel({ ...options, modelPath: garbage }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'FORECAST_MODEL_UNAVAILABLE' });
    expect((e as Error).message).not.toContain('not a model');
    await expect(loadChronosModel({ ...options, inputName: 'past_values' })).rejects.toMatchObject({
      code: 'FORECAST_MODEL_UNAVAILABLE',
      message: 'chronos.inputName: the model has no tensor "past_values" (it has context)',
    });
    // A real failed import of a runtime that is not installed.
    await expect(loadChronosModel(options, 'onnxruntime-node-not-installed')).rejects.toMatchObject({
      code: 'FORECAST_MODEL_UNAVAILABLE',
      hint: expect.stringContaining('ONNXRUNTIME_NODE_INSTALL=skip'),
    });
  });
});

describe('the plugin with model "chronos"', () => {
  it('serves chronos cones over RPC, cached, and refuses chronos where none is configured', async () => {
    const host = createHost({
      cache: { memory: true },
      services: { logger: createLogger({ level: 'silent' }) },
    });
    hosts.push(host);
    const { errors } = await host.load([{ plugin: createForecastCone, config: { chronos: { modelPath } } }]);
    expect(errors).toEqual([]);
    const cone = await host.rpc.call<ForecastResponse>(FORECAST_METHOD, {
      closes,
      horizon: 5,
      model: 'chronos',
    });
    expect(cone.p90[4]).toBeCloseTo(Math.fround(closes[299]!) * built.factor(8, 5), 3);
    expect(cone.p10[0]).toBeLessThan(cone.p50[0]!);
    expect(
      (await host.rpc.call<ForecastResponse>(FORECAST_METHOD, { closes, horizon: 5, model: 'chronos' }))
        .cached,
    ).toBe(true);

    const plain = createHost({
      cache: { memory: true },
      services: { logger: createLogger({ level: 'silent' }) },
    });
    hosts.push(plain);
    await plain.load([createForecastCone]);
    const error = await plain.rpc
      .call(FORECAST_METHOD, { closes, horizon: 5, model: 'chronos' })
      .catch((x: unknown) => x);
    expect(error).toMatchObject({ cause: { code: 'FORECAST_MODEL_UNAVAILABLE' } });
  });

  it('makes a bad model path a load error of the plugin, and model chronos without a path a config error', async () => {
    const host = createHost({
      cache: { memory: true },
      services: { logger: createLogger({ level: 'silent' }) },
    });
    hosts.push(host);
    const bad = await host.load([
      { plugin: createForecastCone, config: { chronos: { modelPath: path.join(dir, 'x.onnx') } } },
    ]);
    expect(bad.errors[0]).toMatchObject({ phase: 'setup' });
    expect(bad.errors[0]?.message).toContain('chronos.modelPath');
    const other = createHost({
      cache: { memory: true },
      services: { logger: createLogger({ level: 'silent' }) },
    });
    hosts.push(other);
    const missing = await other.load([{ plugin: createForecastCone, config: { model: 'chronos' } }]);
    expect(missing.errors[0]).toMatchObject({ phase: 'config' });
    expect(missing.errors[0]?.message).toContain('chronos.modelPath');
  });

  it('honours the plugin contract with chronos cones on bars', async () => {
    await expectPluginContract(createForecastCone, {
      config: { model: 'chronos', horizon: 10, chronos: { modelPath } },
    });
  });
});
