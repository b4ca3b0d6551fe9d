import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
}

/** A real HTTP receiver of webhooks: records every request and answers with `status`. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** The status the next requests get; a function decides per request. */
  status: number | ((request: ReceivedWebhook) => number) = 200;
  /** How many of the next requests get no answer at all: their connection stays open. */
  hold = 0;
  /** Called with each request once its body has arrived. */
  onRequest?: (request: ReceivedWebhook) => void;
  private server?: http.Server;

  constructor(public port = 0) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(): Promise<this> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = {
          headers: req.headers as Record<string, string>,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.received.push(request);
        this.onRequest?.(request);
        if (this.hold > 0) {
          this.hold -= 1;
          return;
        }
        res.statusCode = typeof this.status === 'function' ? this.status(request) : this.status;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stops listening: connections are refused until start() again (on the same port). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The received requests whose payload has this type. */
  ofType(type: string): ReceivedWebhook[] {
    return this.received.filter((r) => (JSON.parse(r.body) as { type: string }).type === type);
  }
}

/** Verifies a received webhook with the standardwebhooks package; returns its payload. */
export function verifyWebhook(secret: string, request: ReceivedWebhook): Record<string, unknown> {
  return new Webhook(secret.replace(/^whsec_/, '')).verify(request.body, {
    'webhook-id': request.headers['webhook-id'],
    'webhook-timestamp': request.headers['webhook-timestamp'],
    'webhook-signature': request.headers['webhook-signature'],
  }) as Record<string, unknown>;
}
