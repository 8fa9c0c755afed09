// E-mail goes through a provider adapter. Development and tests use the capturing sender: messages are
// kept in memory (tests read tokens from them) and only their recipient and subject are logged, never
// their body, which carries single-use tokens.
import type { Logger } from 'pino';

export interface EmailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}

type Waiter = { to: string; resolve: (message: EmailMessage) => void };

export class CapturingEmailSender implements EmailSender {
  /** The most recent messages, oldest first (bounded). */
  readonly sent: EmailMessage[] = [];
  private waiters: Waiter[] = [];

  constructor(
    private readonly log?: Pick<Logger, 'info'>,
    private readonly keep = 1000,
  ) {}

  async send(message: EmailMessage): Promise<void> {
    this.sent.push(message);
    if (this.sent.length > this.keep) this.sent.shift();
    this.log?.info({ to: message.to, subject: message.subject }, 'e-mail captured (no provider configured)');
    const ready = this.waiters.filter((w) => w.to === message.to);
    this.waiters = this.waiters.filter((w) => w.to !== message.to);
    for (const waiter of ready) waiter.resolve(message);
  }

  /** The messages sent to `to` so far. */
  to(address: string): EmailMessage[] {
    return this.sent.filter((m) => m.to === address);
  }

  /** Resolves with the next message sent to `to` (for sends that happen after the answer). */
  next(to: string): Promise<EmailMessage> {
    return new Promise((resolve) => this.waiters.push({ to, resolve }));
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The e-mail adapter in use (tests read captured messages from it). */
    emailSender: EmailSender;
  }
}
