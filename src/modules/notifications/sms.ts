// SMS goes through a provider adapter, like e-mail. Development and tests use the capturing sender:
// messages are kept in memory and only their recipient is logged.
import type { Logger } from 'pino';

export interface SmsMessage {
  readonly to: string;
  readonly text: string;
}

export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

export class CapturingSmsSender implements SmsSender {
  /** The most recent messages, oldest first (bounded). */
  readonly sent: SmsMessage[] = [];

  constructor(
    private readonly log?: Pick<Logger, 'info'>,
    private readonly keep = 1000,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    this.sent.push(message);
    if (this.sent.length > this.keep) this.sent.shift();
    this.log?.info({ to: message.to }, 'SMS captured (no provider configured)');
  }
}
