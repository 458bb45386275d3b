/**
 * A small MIME reader for tests: unfolds and RFC 2047-decodes headers, and decodes single-part or
 * multipart/alternative bodies (base64, quoted-printable, 7bit/8bit) as UTF-8. Independent of
 * nodemailer, so the tests check what actually went over the wire.
 */
export interface ParsedMail {
  readonly headers: ReadonlyMap<string, string>;
  /** Raw (undecoded) header values, to check the wire form. */
  readonly rawHeaders: ReadonlyMap<string, string>;
  readonly text: string | undefined;
  readonly html: string | undefined;
}

function splitHeadBody(raw: string): { head: string; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  return at < 0 ? { head: raw, body: '' } : { head: raw.slice(0, at), body: raw.slice(at + 4) };
}

function parseHeaders(head: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) map.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return map;
}

function decodeQ(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '_') bytes.push(0x20);
    else if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(ch.charCodeAt(0));
  }
  return Buffer.from(bytes);
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?B?…?=` / `?Q?`), joining adjacent words. */
export function decodeEncodedWords(value: string): string {
  const joined = value.replace(/(\?=)\s+(=\?)/g, '$1$2');
  // Adjacent words may split one multi-byte character, so bytes are concatenated before decoding.
  return joined.replace(/(?:=\?[^?]+\?[BbQq]\?[^?]*\?=)+/g, (run) => {
    const parts = [...run.matchAll(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g)];
    const bytes = Buffer.concat(
      parts.map(([, , enc, text]) =>
        (enc ?? '').toUpperCase() === 'B' ? Buffer.from(text ?? '', 'base64') : decodeQ(text ?? ''),
      ),
    );
    return bytes.toString('utf8');
  });
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return decodeQ(body.replace(/=\r\n/g, '').replace(/_/g, '=5F')).toString('utf8');
    default:
      return body;
  }
}

export function parseMail(raw: string): ParsedMail {
  const { head, body } = splitHeadBody(raw);
  const rawHeaders = parseHeaders(head);
  const headers = new Map([...rawHeaders].map(([k, v]) => [k, decodeEncodedWords(v)]));
  const result: { text?: string; html?: string } = {};
  const collect = (headerMap: Map<string, string>, content: string): void => {
    const type = headerMap.get('content-type') ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (/^multipart\//i.test(type) && boundary) {
      for (const section of content.split(`--${boundary}`).slice(1)) {
        if (section.startsWith('--')) break;
        const part = splitHeadBody(section.replace(/^\r\n/, ''));
        collect(parseHeaders(part.head), part.body.replace(/\r\n$/, ''));
      }
      return;
    }
    const decoded = decodeBody(content, headerMap.get('content-transfer-encoding'));
    if (/^text\/html/i.test(type)) result.html = decoded;
    else if (/^text\/plain/i.test(type)) result.text = decoded;
  };
  collect(rawHeaders, body);
  return { headers, rawHeaders, text: result.text, html: result.html };
}
