import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: string;
  readonly user: string | undefined;
  readonly secure: boolean;
}

export interface SmtpTestServer {
  readonly port: number;
  readonly mails: ReceivedMail[];
  /** Times a connection authenticated or failed to. */
  readonly authAttempts: { user: string; ok: boolean }[];
  close(): Promise<void>;
}

export interface SmtpTestServerOptions {
  readonly user: string;
  readonly password: string;
  /** SMTP reply code for a recipient (default 250 = accept). */
  readonly rcptCode?: (address: string) => number;
  /** Offer STARTTLS (smtp-server's built-in self-signed certificate). Default false. */
  readonly starttls?: boolean;
}

/** A real SMTP server (`smtp-server`) on 127.0.0.1 with AUTH PLAIN/LOGIN, recording every message. */
export async function startSmtpServer(options: SmtpTestServerOptions): Promise<SmtpTestServer> {
  const mails: ReceivedMail[] = [];
  const authAttempts: { user: string; ok: boolean }[] = [];
  const server = new SMTPServer({
    secure: false,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    disabledCommands: options.starttls ? [] : ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      const ok = auth.username === options.user && auth.password === options.password;
      authAttempts.push({ user: auth.username ?? '', ok });
      if (ok) callback(null, { user: auth.username });
      // Echo the rejected password back, as a hostile or careless server might.
      else callback(new Error(`Invalid username or password (${auth.password ?? ''})`));
    },
    onRcptTo(address, _session, callback) {
      const code = options.rcptCode?.(address.address) ?? 250;
      if (code === 250) callback();
      else
        callback(Object.assign(new Error(`mailbox ${address.address} unavailable`), { responseCode: code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: typeof session.user === 'string' ? session.user : undefined,
          secure: session.secure,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    mails,
    authAttempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
