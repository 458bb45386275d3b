/** U+2060 WORD JOINER: invisible, but stops Telegram from turning `SOXL.US` into a link. */
export const WORD_JOINER = '\u2060';

// A market symbol: an upper-case ticker, a dot, an upper-case exchange/class suffix (SOXL.US, BRK.B).
// The suffix is only looked at, not consumed, so chained symbols (`A.B.C`) all get a joiner in one pass.
const MARKET_SYMBOL = /\b([A-Z][A-Z0-9]{0,9})\.(?=[A-Z]{1,4}\b)/g;

/** Inserts a word joiner after the dot of market symbols such as `SOXL.US` (§19.7). Idempotent. */
export function insertWordJoiners(text: string): string {
  return text.replace(MARKET_SYMBOL, `$1.${WORD_JOINER}`);
}
