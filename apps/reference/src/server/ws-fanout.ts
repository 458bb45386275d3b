import type { WebSocket } from 'ws';
import { Ring } from './ring.js';

export interface FanoutOptions {
  /** Messages waiting per client before the oldest is dropped (default 1024). */
  queueLimit?: number;
  /**
   * Bytes handed to one client's socket whose write has not completed yet (default 512 KiB). Past
   * this the client's messages wait in its queue instead of piling up inside the socket.
   */
  maxInFlightBytes?: number;
}

export interface FanoutClientStats {
  readonly id: number;
  readonly queued: number;
  readonly inFlightBytes: number;
  readonly sent: number;
  readonly dropped: number;
}

export interface FanoutStats {
  readonly clients: number;
  /** Messages serialized (once each, whatever the number of clients). */
  readonly broadcasts: number;
  /** Messages dropped across all clients, including clients that have gone. */
  readonly dropped: number;
  readonly queueLimit: number;
  readonly maxInFlightBytes: number;
  readonly perClient: readonly FanoutClientStats[];
}

const OPEN = 1;

class FanoutClient {
  readonly queue: Ring<Buffer>;
  inFlightBytes = 0;
  sent = 0;

  constructor(
    readonly id: number,
    readonly socket: WebSocket,
    queueLimit: number,
    private readonly maxInFlightBytes: number,
    private readonly onDrop: () => void,
  ) {
    this.queue = new Ring(queueLimit);
  }

  enqueue(frame: Buffer): void {
    if (this.queue.push(frame) !== undefined) this.onDrop();
    this.pump();
  }

  /**
   * Writes queued frames while the socket keeps up. The write callback is what frees budget, so a
   * client that stops reading stops completing writes and its backlog stays in the bounded queue.
   */
  pump(): void {
    while (this.socket.readyState === OPEN && this.inFlightBytes < this.maxInFlightBytes) {
      const frame = this.queue.shift();
      if (frame === undefined) return;
      this.inFlightBytes += frame.length;
      this.socket.send(frame, { binary: false }, (error) => {
        this.inFlightBytes -= frame.length;
        if (error === undefined || error === null) {
          this.sent++;
          this.pump();
        }
      });
    }
  }

  stats(): FanoutClientStats {
    return {
      id: this.id,
      queued: this.queue.size,
      inFlightBytes: this.inFlightBytes,
      sent: this.sent,
      dropped: this.queue.dropped,
    };
  }
}

/**
 * Serialize once, fan out to every WebSocket client through a bounded per-client queue that drops
 * the oldest message when a client falls behind. Broadcasting never waits on a socket, so a slow
 * or stalled browser cannot slow the replay or grow the server's memory.
 */
export class WsFanout {
  readonly #clients = new Set<FanoutClient>();
  readonly #queueLimit: number;
  readonly #maxInFlightBytes: number;
  #nextId = 1;
  #broadcasts = 0;
  #dropped = 0;

  constructor(options: FanoutOptions = {}) {
    this.#queueLimit = options.queueLimit ?? 1024;
    this.#maxInFlightBytes = options.maxInFlightBytes ?? 512 * 1024;
  }

  /** Registers a socket; it leaves the fan-out when it closes. */
  add(socket: WebSocket): void {
    const client = new FanoutClient(this.#nextId++, socket, this.#queueLimit, this.#maxInFlightBytes, () => {
      this.#dropped++;
    });
    this.#clients.add(client);
    const remove = () => {
      client.queue.clear();
      this.#clients.delete(client);
    };
    socket.once('close', remove);
    socket.once('error', remove);
  }

  /** Sends one message to one socket only (the snapshot a new client starts from). */
  sendTo(socket: WebSocket, message: unknown): void {
    for (const client of this.#clients) {
      if (client.socket === socket) client.enqueue(frameOf(message));
    }
  }

  broadcast(message: unknown): void {
    if (this.#clients.size === 0) return;
    const frame = frameOf(message);
    this.#broadcasts++;
    for (const client of this.#clients) client.enqueue(frame);
  }

  get clients(): number {
    return this.#clients.size;
  }

  stats(): FanoutStats {
    return {
      clients: this.#clients.size,
      broadcasts: this.#broadcasts,
      dropped: this.#dropped,
      queueLimit: this.#queueLimit,
      maxInFlightBytes: this.#maxInFlightBytes,
      perClient: [...this.#clients].map((c) => c.stats()),
    };
  }

  /** Closes every client socket (server shutdown). */
  closeAll(code = 1001, reason = 'server shutting down'): void {
    for (const client of this.#clients) {
      client.queue.clear();
      client.socket.close(code, reason);
    }
    this.#clients.clear();
  }
}

function frameOf(message: unknown): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8');
}
