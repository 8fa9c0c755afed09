// A local SMTP relay for tests (smtp-server, from the nodemailer project): it speaks SMTP on 127.0.0.1,
// keeps every message it accepts, parsed, and can refuse a recipient with a temporary failure, as a
// provider's relay does when it throttles.
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface LocalSmtp {
  readonly url: string;
  readonly received: ParsedMail[];
  /** Recipients answered 451 (try again later) until removed. */
  readonly refusing: Set<string>;
  /** Resolves with the next message to `to`; rejects after 5 s without one. */
  next(to: string): Promise<ParsedMail>;
  stop(): Promise<void>;
}

export async function startLocalSmtp(): Promise<LocalSmtp> {
  const received: ParsedMail[] = [];
  const refusing = new Set<string>();
  let waiters: { to: string; resolve: (mail: ParsedMail) => void }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!refusing.has(address.address)) return callback();
      const error = Object.assign(new Error('mailbox busy, try again later'), { responseCode: 451 });
      callback(error);
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          const to = mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : [];
          const ready = waiters.filter((w) => to.includes(w.to));
          waiters = waiters.filter((w) => !to.includes(w.to));
          for (const waiter of ready) waiter.resolve(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refusing,
    next: (to) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no e-mail to ${to} within 5 s`)), 5000);
        waiters.push({
          to,
          resolve: (mail) => {
            clearTimeout(timer);
            resolve(mail);
          },
        });
      }),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
