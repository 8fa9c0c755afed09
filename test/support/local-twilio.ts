// A local stand-in for Twilio's Messages API, started by tests: it speaks the HTTP protocol the official
// SDK uses (POST /2010-04-01/Accounts/{sid}/Messages.json, HTTP Basic auth with the account SID and
// token, a form-encoded body; 201 with the message as JSON, or Twilio's error JSON), and records what
// it accepted. `status` makes it answer as a throttling Twilio does.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalTwilio {
  readonly env: Record<string, string>;
  /** Accepted messages: To, From (or MessagingServiceSid) and Body. */
  readonly messages: Record<string, string>[];
  /** When set, every request is answered with this error status (e.g. 429). */
  failWith: number | undefined;
  stop(): Promise<void>;
}

const ACCOUNT = 'AC00000000000000000000000000000001';
const TOKEN = 'local-twilio-token';

export async function startLocalTwilio(): Promise<LocalTwilio> {
  const messages: Record<string, string>[] = [];
  const state: { failWith: number | undefined } = { failWith: undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const error = (status: number, code: number, message: string) =>
        answer(status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
      const expected = `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`;
      if (req.headers.authorization !== expected) return error(401, 20003, 'Authenticate');
      if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`) {
        return error(404, 20404, 'The requested resource was not found');
      }
      if (state.failWith) return error(state.failWith, 20429, 'Too Many Requests');
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
      if (!form['To'] || !form['Body'] || !(form['From'] || form['MessagingServiceSid'])) {
        return error(400, 21604, "A 'To' phone number, a 'Body' and a sender are required.");
      }
      messages.push(form);
      answer(201, {
        sid: `SM${String(messages.length).padStart(32, '0')}`,
        account_sid: ACCOUNT,
        to: form['To'],
        from: form['From'] ?? null,
        messaging_service_sid: form['MessagingServiceSid'] ?? null,
        body: form['Body'],
        status: 'queued',
        num_segments: '1',
        direction: 'outbound-api',
        api_version: '2010-04-01',
        date_created: new Date().toUTCString(),
        uri: `/2010-04-01/Accounts/${ACCOUNT}/Messages/SM${messages.length}.json`,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    env: {
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_FROM: '+15550001111',
      TWILIO_API_BASE: `http://127.0.0.1:${port}`,
    },
    messages,
    get failWith() {
      return state.failWith;
    },
    set failWith(status) {
      state.failWith = status;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
