/** The text that replaces every secret (§19.5). */
export const REDACTED = '<redacted>';

// Telegram-style `/bot<token>` path segments. A bot token starts with the bot's numeric id, so
// requiring a digit (or a `:`) right away keeps words such as `/bottom` intact.
const BOT_SEGMENT = /\/bot(?:\d|[\w-]*:)[^/\s?#&<>"']*/g;

// Query values of sensitive parameters; `-`/`_` variants (and none) are accepted, any case.
const SENSITIVE_QUERY =
  /([?&;](?:access[-_]?token|api[-_]?key|auth[-_]?token|key|password|secret|signature|token)=)[^&#\s<>"']+/gi;

// `Authorization: Bearer …` / `Basic …` credentials of at least 8 characters.
const AUTH_CREDENTIAL = /\b(Bearer|Basic)(\s+)[^\s"',;<>]{8,}/gi;

// `name=value` / `name: value` assignments (also JSON-ish `"name": "value"`) with 8+ characters.
// The name may follow `_` (`secret_token=`), which a `\b` would not allow.
const ASSIGNMENT =
  /(?<![A-Za-z0-9])(api[-_]?key|auth[-_]?token|credential|password|private[-_]?key|secret|token)["']?\s*[:=]\s*["']?[^\s"'&,;<>]{8,}/gi;

// `scheme://user:password@host` user-info.
// `<` and `>` are allowed so `user:<redacted>@` (after exact-secret redaction) is still folded.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@?#"']+@/gi;

/** Replaces secrets in one piece of text. */
export type Redactor = (text: string) => string;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Builds a redactor implementing §19.5: the configured secret values (exact match, and their
 * URL-encoded form, since secrets often travel inside URLs) and then the pattern rules for bot-token
 * path segments, sensitive query values, Bearer/Basic credentials, `name=`/`name:` assignments and URL
 * user-info. Every match becomes `<redacted>`.
 *
 * Exact secrets go first: a pattern rewriting part of a secret would otherwise stop the exact match
 * and leave the rest of it behind. Empty secrets are ignored; all others, however short, are honoured.
 */
export function createRedactor(secrets: readonly string[] = []): Redactor {
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length === 0) continue;
    variants.add(secret);
    try {
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) variants.add(encoded);
    } catch {
      // A lone surrogate cannot be URL-encoded; the raw value is still redacted.
    }
  }
  // Longest first, so a secret that contains another one is removed whole.
  const ordered = [...variants].sort((a, b) => b.length - a.length);
  const exact = ordered.length === 0 ? undefined : new RegExp(ordered.map(escapeRegExp).join('|'), 'g');

  return (input: string): string => {
    let text = typeof input === 'string' ? input : String(input);
    if (exact !== undefined) {
      // A secret can re-form across the edge of an inserted `<redacted>`; repeat until it is gone.
      for (let i = 0; i < 8; i++) {
        exact.lastIndex = 0;
        if (!exact.test(text)) break;
        exact.lastIndex = 0;
        text = text.replace(exact, REDACTED);
      }
    }
    return text
      .replace(URL_USERINFO, `$1${REDACTED}@`)
      .replace(BOT_SEGMENT, `/bot${REDACTED}`)
      .replace(SENSITIVE_QUERY, `$1${REDACTED}`)
      .replace(AUTH_CREDENTIAL, `$1$2${REDACTED}`)
      .replace(ASSIGNMENT, `$1=${REDACTED}`);
  };
}

/** One-shot form of {@link createRedactor}; build the redactor once when redacting many texts. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  return createRedactor(secrets)(text);
}

/** Redacts every string inside a JSON-like value (keys kept), returning a new value. */
export function redactValue(value: unknown, redact: Redactor): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, redact));
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = redactValue(item, redact);
    return out;
  }
  return value;
}
