// The outside world of payments, and only that: a local HTTP server speaking the subset of Stripe's
// API the app uses (form-encoded POST /v1/payment_intents, GET /v1/payment_intents/:id, POST
// /v1/payment_intents/:id/cancel, POST /v1/refunds, POST /v1/transfers), answering Stripe-shaped JSON
// and honouring Idempotency-Key. The app reaches it through the official SDK (STRIPE_API_BASE);
// webhooks are signed with the SDK's generateTestHeaderString and verified by the app exactly as in
// production. Tests start one; so does a development server without Stripe keys (DESIGN §2), where a
// client "pays" with POST /v1/payment_intents/{id}/confirm {client_secret} as Stripe.js would, and the
// signed payment_intent.succeeded webhook is delivered to the app.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export const LOCAL_STRIPE_KEY = 'sk_test_local_0123456789';
export const LOCAL_WEBHOOK_SECRET = 'whsec_test_local_0123456789';

type Json = Record<string, unknown>;

export interface Intent extends Json {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  client_secret: string;
  metadata: Record<string, string>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  params: Json;
}

const rid = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);

/** `a[b][c]=1` → { a: { b: { c: '1' } } }, as Stripe reads its form bodies. */
function parseForm(text: string): Json {
  const out: Json = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.replace(/\]/g, '').split('[');
    let node = out;
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Json;
    node[path[path.length - 1]!] = value;
  }
  return out;
}

function stripeError(res: ServerResponse, status: number, type: string, message: string, code?: string) {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': rid('req') });
  res.end(JSON.stringify({ error: { type, message, ...(code ? { code } : {}) } }));
}

export class LocalStripe {
  readonly intents = new Map<string, Intent>();
  readonly refunds = new Map<string, Json>();
  readonly transfers = new Map<string, Json>();
  readonly requests: RecordedRequest[] = [];
  /** While true every connection is dropped: the SDK sees a network failure, as in an outage. */
  down = false;
  /** Requests dropped while down. */
  dropped = 0;
  /** Status of new refunds ('succeeded', or 'pending' to settle later by webhook). */
  refundStatus: 'succeeded' | 'pending' = 'succeeded';
  private readonly idempotent = new Map<string, { status: number; body: string }>();
  private readonly signer = new Stripe(LOCAL_STRIPE_KEY);
  private server: Server | undefined;
  url = '';
  /** Where events are delivered (the app's POST /api/v2/webhooks/stripe); unset: none are sent. */
  webhookUrl: string | undefined;

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** The environment that points the app at this server. */
  env(): Record<string, string> {
    return {
      STRIPE_SECRET_KEY: LOCAL_STRIPE_KEY,
      STRIPE_WEBHOOK_SECRET: LOCAL_WEBHOOK_SECRET,
      STRIPE_API_BASE: this.url,
    };
  }

  /** Requests that reached the server with this method and path prefix. */
  calls(method: string, pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
  }

  /** Moves an intent as Stripe would when the client pays; returns it for a webhook. */
  setIntentStatus(id: string, status: string): Intent {
    const intent = this.intents.get(id);
    if (!intent) throw new Error(`no intent ${id}`);
    intent.status = status;
    if (status === 'succeeded') intent.amount_received = intent.amount;
    return intent;
  }

  /** Sends a signed event to `webhookUrl`, as Stripe does, retrying a few times; never throws. */
  deliver(type: string, object: Json): void {
    const target = this.webhookUrl;
    if (!target) return;
    const { body, signature } = this.signedEvent(type, object);
    void (async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          const res = await fetch(target, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'stripe-signature': signature },
            body,
            signal: AbortSignal.timeout(5000),
          });
          if (res.ok) return;
        } catch {
          // the app may be restarting: try again
        }
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
      }
    })();
  }

  /** A Stripe event of `type` about `object`, its raw body and a valid Stripe-Signature header. */
  signedEvent(type: string, object: Json, options: { id?: string; secret?: string } = {}) {
    const event = {
      id: options.id ?? rid('evt'),
      object: 'event',
      api_version: '2025-01-01',
      created: now(),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object },
    };
    const body = JSON.stringify(event);
    const signature = this.signer.webhooks.generateTestHeaderString({
      payload: body,
      secret: options.secret ?? LOCAL_WEBHOOK_SECRET,
    });
    return { event, body, signature };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.down) {
      this.dropped++;
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://stripe.local');
    const params = parseForm(Buffer.concat(chunks).toString());
    const key = req.headers['idempotency-key'] as string | undefined;
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, idempotencyKey: key, params });
    // Secret-key calls come from the app; a confirmation comes from the client with its client_secret.
    const confirming = /^\/v1\/payment_intents\/([^/]+)\/confirm$/.exec(url.pathname);
    const byClient =
      confirming !== null && this.intents.get(confirming[1]!)?.client_secret === params['client_secret'];
    if (!byClient && !(req.headers.authorization ?? '').startsWith('Bearer sk_')) {
      return stripeError(res, 401, 'invalid_request_error', 'Invalid API Key provided');
    }
    if (method === 'POST' && key) {
      const first = this.idempotent.get(`${url.pathname} ${key}`);
      if (first) {
        res.writeHead(first.status, { 'content-type': 'application/json', 'idempotent-replayed': 'true' });
        res.end(first.body);
        return;
      }
    }
    const answer = this.route(method, url.pathname, params);
    if ('error' in answer) {
      return stripeError(res, answer.status, answer.error.type, answer.error.message, answer.error.code);
    }
    const body = JSON.stringify(answer.body);
    if (method === 'POST' && key) this.idempotent.set(`${url.pathname} ${key}`, { status: 200, body });
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': rid('req') });
    res.end(body);
  }

  private route(
    method: string,
    path: string,
    p: Json,
  ): { body: Json } | { status: number; error: { type: string; message: string; code?: string } } {
    const invalid = (message: string, code?: string) => ({
      status: 400,
      error: { type: 'invalid_request_error', message, ...(code ? { code } : {}) },
    });
    const amount = Number(p['amount']);
    if (method === 'POST' && path === '/v1/payment_intents') {
      if (!Number.isInteger(amount) || amount < 1) return invalid('amount must be a positive integer');
      const id = rid('pi');
      const intent: Intent = {
        id,
        object: 'payment_intent',
        amount,
        amount_received: 0,
        currency: String(p['currency']),
        status: 'requires_payment_method',
        client_secret: `${id}_secret_${randomBytes(8).toString('hex')}`,
        metadata: (p['metadata'] ?? {}) as Record<string, string>,
        created: now(),
        livemode: false,
      };
      this.intents.set(id, intent);
      return { body: intent };
    }
    const confirmMatch = /^\/v1\/payment_intents\/([^/]+)\/confirm$/.exec(path);
    if (method === 'POST' && confirmMatch) {
      const intent = this.intents.get(confirmMatch[1]!);
      if (!intent) return { ...invalid('No such payment_intent', 'resource_missing'), status: 404 };
      if (intent.status !== 'requires_payment_method' && intent.status !== 'requires_confirmation')
        return invalid(`This PaymentIntent's status is ${intent.status}`, 'payment_intent_unexpected_state');
      this.setIntentStatus(intent.id, 'succeeded');
      this.deliver('payment_intent.succeeded', intent);
      return { body: intent };
    }
    const cancelMatch = /^\/v1\/payment_intents\/([^/]+)\/cancel$/.exec(path);
    if (method === 'POST' && cancelMatch) {
      const intent = this.intents.get(cancelMatch[1]!);
      if (!intent) return { ...invalid('No such payment_intent', 'resource_missing'), status: 404 };
      if (intent.status === 'succeeded' || intent.status === 'canceled' || intent.status === 'processing')
        return invalid(
          `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`,
          'payment_intent_unexpected_state',
        );
      this.setIntentStatus(intent.id, 'canceled');
      this.deliver('payment_intent.canceled', intent);
      return { body: intent };
    }
    const intentMatch = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
    if (method === 'GET' && intentMatch) {
      const intent = this.intents.get(intentMatch[1]!);
      return intent
        ? { body: intent }
        : { ...invalid('No such payment_intent', 'resource_missing'), status: 404 };
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const intent = this.intents.get(String(p['payment_intent']));
      if (!intent) return { ...invalid('No such payment_intent', 'resource_missing'), status: 404 };
      if (intent.status !== 'succeeded')
        return invalid('This PaymentIntent does not have a successful charge to refund.');
      const refunded = [...this.refunds.values()]
        .filter((r) => r['payment_intent'] === intent.id && r['status'] !== 'failed')
        .reduce((sum, r) => sum + Number(r['amount']), 0);
      const want = Number.isInteger(amount) ? amount : intent.amount - refunded;
      if (want < 1 || refunded + want > intent.amount) {
        return invalid(
          `Refund amount (${want}) is greater than unrefunded amount on charge`,
          'amount_too_large',
        );
      }
      const refund = {
        id: rid('re'),
        object: 'refund',
        amount: want,
        currency: intent.currency,
        payment_intent: intent.id,
        status: this.refundStatus,
        metadata: p['metadata'] ?? {},
        created: now(),
      };
      this.refunds.set(refund.id, refund);
      return { body: refund };
    }
    if (method === 'POST' && path === '/v1/transfers') {
      if (!Number.isInteger(amount) || amount < 1) return invalid('amount must be a positive integer');
      if (!String(p['destination'] ?? '').startsWith('acct_'))
        return invalid('No such destination', 'resource_missing');
      const transfer = {
        id: rid('tr'),
        object: 'transfer',
        amount,
        currency: String(p['currency']),
        destination: p['destination'],
        metadata: p['metadata'] ?? {},
        reversed: false,
        created: now(),
      };
      this.transfers.set(transfer.id, transfer);
      return { body: transfer };
    }
    return {
      status: 404,
      error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` },
    };
  }
}

export async function startLocalStripe(port = 0): Promise<LocalStripe> {
  return new LocalStripe().start(port);
}
