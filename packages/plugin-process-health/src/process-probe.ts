import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

const MIB = 1024 * 1024;

/** Raw process numbers; `read()` also restarts the lag histogram and the CPU interval. */
export interface ProcessReadout {
  lagMeanMs: number | null;
  lagP99Ms: number | null;
  lagMaxMs: number | null;
  heapUsedMb: number;
  heapTotalMb: number;
  rssMb: number;
  externalMb: number;
  cpuPercent: number | null;
  cpuUserMs: number;
  cpuSystemMs: number;
}

export interface ProcessProbe {
  read(): ProcessReadout;
  close(): void;
}

/**
 * Measures this process with Node's own instruments: `monitorEventLoopDelay` (a timer every
 * `resolutionMs` records how late it fires), `process.memoryUsage()` and `process.cpuUsage()` over
 * `process.hrtime` wall time. CPU and lag cover the interval since the previous `read()`.
 */
export function createProcessProbe(resolutionMs = 10): ProcessProbe {
  let histogram: IntervalHistogram | undefined = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  let lastCpu = process.cpuUsage();
  let lastWall = process.hrtime.bigint();
  let first = true;
  return {
    read() {
      const mem = process.memoryUsage();
      const cpu = process.cpuUsage();
      const wall = process.hrtime.bigint();
      const wallUs = Number(wall - lastWall) / 1000;
      const usedUs = cpu.user - lastCpu.user + (cpu.system - lastCpu.system);
      const cpuPercent = first || wallUs <= 0 ? null : (100 * usedUs) / wallUs;
      first = false;
      lastCpu = cpu;
      lastWall = wall;
      const h = histogram;
      const measured = h !== undefined && h.count > 0;
      const readout: ProcessReadout = {
        lagMeanMs: measured ? h.mean / 1e6 : null,
        lagP99Ms: measured ? h.percentile(99) / 1e6 : null,
        lagMaxMs: measured ? h.max / 1e6 : null,
        heapUsedMb: mem.heapUsed / MIB,
        heapTotalMb: mem.heapTotal / MIB,
        rssMb: mem.rss / MIB,
        externalMb: mem.external / MIB,
        cpuPercent,
        cpuUserMs: cpu.user / 1000,
        cpuSystemMs: cpu.system / 1000,
      };
      h?.reset();
      return readout;
    },
    close() {
      histogram?.disable();
      histogram = undefined;
    },
  };
}
