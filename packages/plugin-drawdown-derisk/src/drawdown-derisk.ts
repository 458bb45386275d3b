import { definePlugin } from '@keel/contract';
import { z } from 'zod';

const BandSchema = z.object({
  /** Drawdown (fraction of the high-water mark, 0.1 = 10%) at which this band starts, inclusive. */
  drawdown: z.number().positive().max(1),
  /** Exposure multiplier inside the band. */
  exposure: z.number().min(0).max(10),
});

export const DrawdownDeriskConfigSchema = z
  .object({
    /** De-risk bands, shallowest first: deeper drawdowns must not allow more exposure. */
    bands: z
      .array(BandSchema)
      .min(1)
      .max(32)
      .default([
        { drawdown: 0.05, exposure: 0.75 },
        { drawdown: 0.1, exposure: 0.5 },
        { drawdown: 0.2, exposure: 0.25 },
      ])
      .refine(
        (bands) =>
          bands.every(
            (b, i) =>
              i === 0 || (b.drawdown > bands[i - 1]!.drawdown && b.exposure <= bands[i - 1]!.exposure),
          ),
        { message: 'bands must have increasing drawdowns and non-increasing exposures' },
      ),
    /** Exposure above the shallowest band (no meaningful drawdown). */
    fullExposure: z.number().min(0).max(10).default(1),
  })
  .prefault({});
export type DrawdownDeriskConfig = z.output<typeof DrawdownDeriskConfigSchema>;

const EDGE = 1e-12;

/**
 * Creates the plugin. The high-water mark is the highest close of every bar the plugin has seen
 * since it was created or last reset — not only the bars in the window — so a peak long gone from
 * the window still defines the drawdown. That state lives in this closure: a factory, so each host
 * gets its own mark.
 */
export function createDrawdownDerisk() {
  let hwm = Number.NEGATIVE_INFINITY;
  let hwmTime = 0;
  let barsSinceHigh = 0;
  let maxDrawdown = 0;

  return definePlugin({
    id: 'drawdown-derisk',
    name: 'Drawdown de-risk',
    version: '0.1.0',
    category: 'risk',
    description: 'Drawdown from the running high-water mark, mapped to de-risking exposure bands.',
    layer: 'L1',
    // Every bar must be seen for the running high: no warm-up.
    warmup: 1,
    window: 2,
    inputs: ['close'],
    outputs: ['drawdown', 'exposure'],
    config: DrawdownDeriskConfigSchema,
    onBar({ bar, config }) {
      if (bar.close >= hwm) {
        hwm = bar.close;
        hwmTime = bar.time;
        barsSinceHigh = 0;
      } else {
        barsSinceHigh++;
      }
      const drawdown = hwm > 0 ? 1 - bar.close / hwm : 0;
      if (drawdown > maxDrawdown) maxDrawdown = drawdown;
      // Edges are inclusive up to rounding: 1 - 90 / 100 is 0.09999999999999998, and a 10% drawdown
      // must reach the 10% band.
      let band = -1;
      for (let i = 0; i < config.bands.length; i++)
        if (drawdown >= config.bands[i]!.drawdown - EDGE) band = i;
      const exposure = band < 0 ? config.fullExposure : config.bands[band]!.exposure;
      const deepest = config.bands[config.bands.length - 1]!.drawdown;
      return {
        active: band >= 0,
        score: Math.min(1, drawdown / deepest),
        status: `dd ${(drawdown * 100).toFixed(1)}% → exposure ${exposure.toFixed(2)}`,
        drawdown,
        exposure,
        band,
        highWaterMark: hwm,
        highWaterTime: hwmTime,
        barsSinceHigh,
        maxDrawdown,
      };
    },
    reset() {
      hwm = Number.NEGATIVE_INFINITY;
      hwmTime = 0;
      barsSinceHigh = 0;
      maxDrawdown = 0;
    },
  });
}
