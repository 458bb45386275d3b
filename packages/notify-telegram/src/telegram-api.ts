import { DeliveryError, type Redactor, sendHttp } from '@keel/notify';

export interface SendMessageRequest {
  readonly baseUrl: string;
  readonly botToken: string;
  readonly chatId: string;
  /** Already-escaped HTML. */
  readonly html: string;
  readonly disableLinkPreview: boolean;
  readonly disableNotification: boolean;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly redact: Redactor;
}

interface BotApiReply {
  ok?: unknown;
  error_code?: unknown;
  description?: unknown;
  parameters?: { retry_after?: unknown } | null;
}

/** One Bot API `sendMessage` call (HTML parse mode); throws a classified `DeliveryError` on failure. */
export async function sendTelegramMessage(req: SendMessageRequest): Promise<void> {
  const url = `${req.baseUrl.replace(/\/+$/, '')}/bot${req.botToken}/sendMessage`;
  const payload = {
    chat_id: req.chatId,
    text: req.html,
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: req.disableLinkPreview },
    disable_notification: req.disableNotification,
  };
  const res = await sendHttp(
    url,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) },
    { timeoutMs: req.timeoutMs, signal: req.signal, redact: req.redact },
  );
  const reply = parseReply(res.text);
  if (res.status >= 200 && res.status < 300 && reply?.ok === true) return;
  throw telegramError(res.status, reply, res.headers.get('retry-after'), req.redact);
}

function parseReply(text: string): BotApiReply | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as BotApiReply) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Classifies a failed reply: 429 carries `parameters.retry_after` (seconds; the `Retry-After` header
 * as a fallback), 5xx is retryable, other 4xx (bad chat id, revoked token, bad HTML) fail fast.
 */
export function telegramError(
  status: number,
  reply: BotApiReply | undefined,
  retryAfterHeader: string | null,
  redact: Redactor,
): DeliveryError {
  const code = typeof reply?.error_code === 'number' ? reply.error_code : status;
  const description = typeof reply?.description === 'string' ? reply.description : `HTTP ${status}`;
  const retryAfterSeconds = Number(reply?.parameters?.retry_after ?? retryAfterHeader ?? Number.NaN);
  const retryAfterMs = Number.isFinite(retryAfterSeconds) ? retryAfterSeconds * 1000 : undefined;
  const rateLimited = status === 429 || code === 429;
  return new DeliveryError(
    rateLimited ? 'RATE_LIMITED' : 'SEND_FAILED',
    `telegram sendMessage failed: ${code} ${description}`.slice(0, 300),
    {
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      redact,
    },
  );
}
