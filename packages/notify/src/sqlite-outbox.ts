import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { expandHome } from './home-path.js';
import { loadBetterSqlite3 } from './load-better-sqlite3.js';
import type { EnqueueInput, Outbox, OutboxFailure, OutboxItem, OutboxReason } from './outbox.js';
import { outboxDelay } from './outbox.js';
import { parseOptions } from './parse-options.js';
import type { AlertMessage } from './publisher.js';

/**
 * Options of {@link createSqliteOutbox}. Env-friendly names: `KEEL_ALERT_OUTBOX_DB` → `path`,
 * `KEEL_ALERT_OUTBOX_MAX_ATTEMPTS` → `maxAttempts`.
 */
export const SqliteOutboxOptionsSchema = z.object({
  /** Database file (`~` expanded). May be the marker database file: tables do not clash. */
  path: z.string().trim().min(1),
  /** First back-off; doubles per attempt. Default 30 s. */
  baseDelayMs: z.number().int().positive().default(30_000),
  /** Back-off ceiling. Default 1 h. */
  maxDelayMs: z.number().int().positive().default(3_600_000),
  /** Attempts before an item is dead-lettered. Default 10. */
  maxAttempts: z.number().int().min(1).default(10),
  /** How long a claimed item stays invisible to other drainers. Default 5 min. */
  leaseMs: z.number().int().positive().default(300_000),
  now: z.custom<() => number>((v) => typeof v === 'function').optional(),
});
export type SqliteOutboxOptions = z.input<typeof SqliteOutboxOptionsSchema>;

interface Row {
  id: number;
  channel: string;
  marker_namespace: string;
  alert_key: string;
  message: string;
  reason: OutboxReason;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  status: 'pending' | 'dead';
  created_at: number;
}

function toItem(row: Row): OutboxItem {
  return {
    id: row.id,
    channel: row.channel,
    markerNamespace: row.marker_namespace,
    alertKey: row.alert_key,
    message: JSON.parse(row.message) as AlertMessage,
    reason: row.reason,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error ?? undefined,
    status: row.status,
    createdAt: row.created_at,
  };
}

/**
 * The persistent outbox on SQLite (WAL, `synchronous=FULL`: a queued alert must survive a power cut
 * as well as a restart). Items keep the full message, so a restarted process can send them without
 * rebuilding anything.
 */
export function createSqliteOutbox(options: SqliteOutboxOptions): Outbox {
  const opts = parseOptions(SqliteOutboxOptionsSchema, options, 'sqliteOutbox');
  const now = opts.now ?? Date.now;
  const Database = loadBetterSqlite3('createSqliteOutbox');
  const file = opts.path === ':memory:' ? ':memory:' : expandHome(opts.path);
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS alert_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,
    marker_namespace TEXT NOT NULL,
    alert_key TEXT NOT NULL,
    message TEXT NOT NULL,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    created_at INTEGER NOT NULL,
    UNIQUE (channel, alert_key)
  );
  CREATE INDEX IF NOT EXISTS alert_outbox_due ON alert_outbox (status, next_attempt_at);`);

  const byKey = db.prepare<[string, string], Row>(
    'SELECT * FROM alert_outbox WHERE channel = ? AND alert_key = ?',
  );
  const byId = db.prepare<[number], Row>('SELECT * FROM alert_outbox WHERE id = ?');
  const insert = db.prepare<[string, string, string, string, string, number, number, string | null, number]>(
    `INSERT INTO alert_outbox (channel, marker_namespace, alert_key, message, reason, attempts, next_attempt_at, last_error, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const requeue = db.prepare<[string, string, number, number, string | null, number]>(
    `UPDATE alert_outbox SET message = ?, reason = ?, attempts = ?, next_attempt_at = ?, last_error = ?, lease_until = 0
     WHERE id = ?`,
  );
  const dueIds = db.prepare<[number, number, number], { id: number }>(
    `SELECT id FROM alert_outbox WHERE status = 'pending' AND next_attempt_at <= ? AND lease_until <= ?
     ORDER BY next_attempt_at, id LIMIT ?`,
  );
  const lease = db.prepare<[number, number]>('UPDATE alert_outbox SET lease_until = ? WHERE id = ?');
  const remove = db.prepare<[number]>('DELETE FROM alert_outbox WHERE id = ?');
  const retry = db.prepare<[number, number, string, number]>(
    'UPDATE alert_outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, lease_until = 0 WHERE id = ?',
  );
  const bury = db.prepare<[number, string, number]>(
    "UPDATE alert_outbox SET attempts = ?, last_error = ?, status = 'dead', lease_until = 0 WHERE id = ?",
  );
  const putBack = db.prepare<[number, number]>(
    'UPDATE alert_outbox SET next_attempt_at = ?, lease_until = 0 WHERE id = ?',
  );
  const listAll = db.prepare<[], Row>('SELECT * FROM alert_outbox ORDER BY id');
  const listStatus = db.prepare<[string], Row>('SELECT * FROM alert_outbox WHERE status = ? ORDER BY id');
  const countPending = db.prepare<[], { n: number }>(
    "SELECT COUNT(*) AS n FROM alert_outbox WHERE status = 'pending'",
  );

  const schedule = (attempts: number, retryAfterMs: number | undefined): number =>
    now() + Math.max(outboxDelay(attempts, opts.baseDelayMs, opts.maxDelayMs), retryAfterMs ?? 0);

  const enqueue = db.transaction((input: EnqueueInput): OutboxItem => {
    const existing = byKey.get(input.channel, input.message.alertKey);
    const text = JSON.stringify(input.message);
    if (existing === undefined) {
      const attempts = input.attempted ? 1 : 0;
      const result = insert.run(
        input.channel,
        input.markerNamespace,
        input.message.alertKey,
        text,
        input.reason,
        attempts,
        schedule(attempts, input.retryAfterMs),
        input.error ?? null,
        now(),
      );
      return toItem(byId.get(Number(result.lastInsertRowid)) as Row);
    }
    // A dead letter stays dead: it has been reported, and the next dispatch run still tries directly.
    if (existing.status === 'dead') return toItem(existing);
    const attempts = existing.attempts + (input.attempted ? 1 : 0);
    if (attempts >= opts.maxAttempts) {
      bury.run(attempts, input.error ?? existing.last_error ?? 'send_failed', existing.id);
    } else {
      requeue.run(
        text,
        input.reason,
        attempts,
        schedule(attempts, input.retryAfterMs),
        input.error ?? null,
        existing.id,
      );
    }
    return toItem(byId.get(existing.id) as Row);
  });

  const claim = db.transaction((limit: number): OutboxItem[] => {
    const t = now();
    const rows = dueIds.all(t, t, limit);
    const items: OutboxItem[] = [];
    for (const { id } of rows) {
      lease.run(t + opts.leaseMs, id);
      items.push(toItem(byId.get(id) as Row));
    }
    return items;
  });

  const fail = db.transaction(
    (id: number, error: string, retryAfterMs: number | undefined): OutboxFailure => {
      const row = byId.get(id);
      if (row === undefined) return { state: 'dead' };
      const attempts = row.attempts + 1;
      if (attempts >= opts.maxAttempts) {
        bury.run(attempts, error, id);
        return { state: 'dead' };
      }
      const nextAttemptAt = schedule(attempts, retryAfterMs);
      retry.run(attempts, nextAttemptAt, error, id);
      return { state: 'retry', nextAttemptAt };
    },
  );

  return {
    enqueue: (input) => enqueue.immediate(input),
    claimDue: (limit = 100) => claim.immediate(limit),
    complete: (id) => {
      remove.run(id);
    },
    fail: (id, error, retryAfterMs) => fail.immediate(id, error, retryAfterMs),
    deadLetter: (id, error) => {
      const row = byId.get(id);
      if (row !== undefined) bury.run(row.attempts + 1, error, id);
    },
    release: (id, notBefore) => {
      putBack.run(notBefore, id);
    },
    list: (status) => (status === undefined ? listAll.all() : listStatus.all(status)).map(toItem),
    get pendingCount() {
      return (countPending.get() as { n: number }).n;
    },
    close: () => {
      if (db.open) db.close();
    },
  };
}
