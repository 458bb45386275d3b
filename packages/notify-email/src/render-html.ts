const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

/**
 * The HTML alternative of an alert: the escaped body with line breaks as `<br>`, so mail clients show
 * the same lines as the plain-text part. No remote resources, no scripts: alerts are read in
 * clients that block them anyway.
 */
export function renderEmailHtml(subject: string, body: string, locale: string | undefined): string {
  const lang = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale ?? '') ? (locale as string) : 'en';
  const lines = body
    .split(/\r\n|\r|\n/)
    .map(escapeHtml)
    .join('<br>\n');
  return [
    '<!doctype html>',
    `<html lang="${lang}">`,
    `<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    `<body><div style="font-family: sans-serif; font-size: 14px; line-height: 1.5;">${lines}</div></body>`,
    '</html>',
  ].join('\n');
}
