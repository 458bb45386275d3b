/** A one-line progress bar on a TTY; plain periodic lines otherwise (CI logs stay readable). */
export interface ProgressBar {
  update(done: number, detail?: string): void;
  finish(detail?: string): void;
}

export function createProgressBar(
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressBar {
  const width = 30;
  const tty = stream.isTTY === true;
  let lastPct = -1;
  const render = (done: number, detail: string) => {
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const pct = Math.floor(ratio * 100);
    if (!tty) {
      if (pct >= lastPct + 25 || (pct === 100 && lastPct !== 100)) {
        stream.write(`${label}: ${pct}% (${done}/${total}) ${detail}\n`);
        lastPct = pct;
      }
      return;
    }
    const filled = Math.round(ratio * width);
    stream.write(
      `\r${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${detail}\u001b[K`,
    );
  };
  return {
    update(done, detail = '') {
      render(done, detail);
    },
    finish(detail = '') {
      render(total, detail);
      if (tty) stream.write('\n');
    },
  };
}
