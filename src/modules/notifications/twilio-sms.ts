// SMS through Twilio's Messages API with the official SDK. A send that fails (Twilio down, a 429, a
// number it refuses) throws, and the notifier retries the outbox row with backoff. The SDK's own
// retries are off: the outbox already retries, durably, and a send must not hold a pass for long.
import twilio from 'twilio';
import type { Config } from '../../config.js';
import type { SmsMessage, SmsSender } from './sms.js';

export class TwilioSmsSender implements SmsSender {
  private readonly client;
  private readonly sender: { from: string } | { messagingServiceSid: string };

  constructor(settings: NonNullable<Config['twilio']>) {
    this.client = twilio(settings.accountSid, settings.authToken, { timeout: 10_000, autoRetry: false });
    if (settings.apiBase) this.client.api.baseUrl = settings.apiBase;
    this.sender = settings.from.startsWith('MG')
      ? { messagingServiceSid: settings.from }
      : { from: settings.from };
  }

  async send(message: SmsMessage): Promise<void> {
    await this.client.messages.create({ to: message.to, body: message.text, ...this.sender });
  }
}
