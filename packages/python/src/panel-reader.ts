import { Worker } from 'node:worker_threads';

// A panel is read synchronously (`describe()` stats are plain getters), while the stats live in the
// child. One helper thread talks to the child's panel socket; this thread waits on a shared flag
// with a deadline, so a hung child costs at most `timeoutMs`, never a hung host.
const HELPER = `
const { parentPort } = require('node:worker_threads');
const net = require('node:net');
parentPort.on('message', ({ socketPath, shared, seq }) => {
  const flag = new Int32Array(shared, 0, 3);
  const bytes = new Uint8Array(shared, 12);
  const chunks = [];
  let settled = false;
  const finish = (status) => {
    if (settled) return;
    settled = true;
    if (status === 1) {
      const out = Buffer.concat(chunks);
      const n = Math.min(out.length, bytes.length);
      bytes.set(out.subarray(0, n));
      Atomics.store(flag, 2, out.length > bytes.length ? -1 : n);
    }
    Atomics.store(flag, 1, seq);
    Atomics.store(flag, 0, status);
    Atomics.notify(flag, 0);
  };
  const sock = net.createConnection(socketPath);
  sock.setTimeout(30000, () => { sock.destroy(); finish(2); });
  sock.on('data', (d) => chunks.push(d));
  sock.on('end', () => finish(1));
  sock.on('error', () => finish(2));
  sock.write('panel\\n');
});
`;

const BUFFER_BYTES = 4 * 1024 * 1024;
let helper: Worker | undefined;
let shared: SharedArrayBuffer | undefined;
let seq = 0;

export type PanelAnswer = { ok: true; text: string } | { ok: false; reason: string };

/** Asks the child behind `socketPath` for its panel and waits at most `timeoutMs` for the answer. */
export function readPanelSync(socketPath: string, timeoutMs: number): PanelAnswer {
  if (helper === undefined) {
    helper = new Worker(HELPER, { eval: true });
    helper.unref();
    shared = new SharedArrayBuffer(12 + BUFFER_BYTES);
  }
  const flag = new Int32Array(shared as SharedArrayBuffer, 0, 3);
  const mine = ++seq;
  Atomics.store(flag, 0, 0);
  helper.postMessage({ socketPath, shared, seq: mine });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return { ok: false, reason: `no answer within ${timeoutMs} ms` };
    Atomics.wait(flag, 0, 0, left);
    if (Atomics.load(flag, 0) !== 0 && Atomics.load(flag, 1) === mine) break;
    if (Atomics.load(flag, 0) !== 0) Atomics.store(flag, 0, 0); // a late answer to an earlier read
  }
  if (Atomics.load(flag, 0) !== 1) return { ok: false, reason: 'the plugin process is not answering' };
  const n = Atomics.load(flag, 2);
  if (n < 0) return { ok: false, reason: `panel is over ${BUFFER_BYTES} bytes` };
  const bytes = new Uint8Array(shared as SharedArrayBuffer, 12, n);
  return { ok: true, text: Buffer.from(bytes).toString('utf8') };
}
