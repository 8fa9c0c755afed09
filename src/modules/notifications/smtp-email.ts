// E-mail through an SMTP relay (any provider: SES, Postmark, Mailgun, a company relay), with nodemailer
// over a small pool of connections. A send that fails throws: the notifier retries outbox messages with
// backoff, and reset and verification e-mails are logged as not sent. Timeouts are short, so a relay
// that hangs holds a send for seconds, not the library's minutes.
import nodemailer from 'nodemailer';
import type { EmailMessage, EmailSender } from './email.js';

export class SmtpEmailSender implements EmailSender {
  private readonly transport;

  /** `url`: `smtp://user:password@host:587` (STARTTLS when offered) or `smtps://…:465` (TLS). */
  constructor(url: string, from: string) {
    this.transport = nodemailer.createTransport(
      {
        url,
        pool: true,
        maxConnections: 3,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      },
      { from },
    );
  }

  async send(message: EmailMessage): Promise<void> {
    await this.transport.sendMail({ to: message.to, subject: message.subject, text: message.text });
  }

  close(): void {
    this.transport.close();
  }
}
