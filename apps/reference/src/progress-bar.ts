/**
 * Replay progress on stderr: a live bar (percentage, count, bars/s, ETA) only when the stream is
 * a TTY, so logs and pipes never fill with carriage returns; a one-line summary either way.
 */
export interface ProgressBar {
  update(done: number): void;
  /** Ends the bar and writes the summary line. */
  finish(summary: string): void;
}

/** Anything with `write` and an optional `isTTY` (process.stderr, a test sink). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressBarOptions {
  readonly label: string;
  /** Bars expected; 0 or undefined when unknown (then no percentage or ETA). */
  readonly total: number | undefined;
  readonly stream?: ProgressStream;
  /** Monotonic milliseconds; injectable so the rendering is testable without real time. */
  readonly now?: () => number;
  /** Columns of the bar itself. */
  readonly width?: number;
}

export function createProgressBar(options: ProgressBarOptions): ProgressBar {
  const { label, stream = process.stderr, now = () => performance.now(), width = 30 } = options;
  const total = options.total ?? 0;
  const tty = stream.isTTY === true;
  const started = now();
  let drawn = false;
  return {
    update(done) {
      if (!tty) return;
      stream.write(`\r${renderProgress(label, done, total, now() - started, width)}\u001b[K`);
      drawn = true;
    },
    finish(summary) {
      stream.write(`${drawn ? '\r' : ''}${summary}${drawn ? '\u001b[K' : ''}\n`);
    },
  };
}

/** One frame: `replay [████░░░░] 42% 20,000/47,754 bars · 39,512 bars/s · ETA 1s`. */
export function renderProgress(
  label: string,
  done: number,
  total: number,
  elapsedMs: number,
  width = 30,
): string {
  const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
  const speed = `${formatCount(Math.round(rate))} bars/s`;
  if (total <= 0) return `${label} ${formatCount(done)} bars · ${speed}`;
  const ratio = Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  const eta = rate > 0 ? formatDuration((Math.max(0, total - done) / rate) * 1000) : '?';
  return (
    `${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ` +
    `${formatCount(done)}/${formatCount(total)} bars · ${speed} · ETA ${eta}`
  );
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `0.4s`, `2.8s`, `12s`, `3m05s`. */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
