const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Escapes the characters Telegram's HTML parse mode treats as markup (`& < > "`). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (ch) => ENTITIES[ch] ?? ch);
}

/** Length of a code point once escaped, in UTF-16 units (what Telegram counts against 4096). */
export function escapedWeight(codePoint: string): number {
  return (ENTITIES[codePoint] ?? codePoint).length;
}
