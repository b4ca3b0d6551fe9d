import { Injectable } from '@nestjs/common';
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { AppConfig } from '../../../core/config/app-config';
import { HostResolver } from './host-resolver';
import { guardedLookup, RefusedAddressError, webhookUrlRefusal } from './webhook-target.util';

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface AttemptOutcome {
  ok: boolean;
  responseCode: number | null;
  latencyMs: number;
  error: string | null;
}

const USER_AGENT = 'BusinessConfig-Webhooks/1';

/**
 * POSTs one webhook: within WEBHOOK_TIMEOUT_MS from connection to response headers, never
 * following a redirect (a 3xx is a failed attempt), and, unless ALLOW_PRIVATE_WEBHOOKS, only
 * to public addresses, checked on the address the socket connects to. Never throws.
 */
@Injectable()
export class WebhookSender {
  private readonly lookup;

  constructor(
    private readonly config: AppConfig,
    resolver: HostResolver,
  ) {
    this.lookup = config.ALLOW_PRIVATE_WEBHOOKS
      ? undefined
      : guardedLookup((hostname) => resolver.resolve(hostname));
  }

  send(request: WebhookRequest): Promise<AttemptOutcome> {
    const started = performance.now();
    const outcome = (responseCode: number | null, error: string | null): AttemptOutcome => ({
      ok: responseCode !== null && responseCode >= 200 && responseCode < 300,
      responseCode,
      latencyMs: Math.round(performance.now() - started),
      error:
        error ?? (responseCode !== null && responseCode >= 300 ? `HTTP ${responseCode}` : null),
    });
    const refusal = webhookUrlRefusal(request.url, this.config.ALLOW_PRIVATE_WEBHOOKS);
    if (refusal) return Promise.resolve(outcome(null, `Refused: ${refusal.message}`));
    const url = new URL(request.url);
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      const req = client.request(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': USER_AGENT,
            'content-length': String(Buffer.byteLength(request.body)),
            ...request.headers,
          },
          agent: false,
          lookup: this.lookup,
          signal: AbortSignal.timeout(this.config.WEBHOOK_TIMEOUT_MS),
        },
        (res) => {
          // The status is all we keep; the body is not read.
          resolve(outcome(res.statusCode ?? null, null));
          res.destroy();
        },
      );
      req.on('error', (error: Error) => resolve(outcome(null, describeError(error, this.config))));
      req.end(request.body);
    });
  }
}

function describeError(error: Error, config: AppConfig): string {
  if (error.name === 'AbortError' || error.name === 'TimeoutError') {
    return `Timed out after ${config.WEBHOOK_TIMEOUT_MS} ms`;
  }
  if (error instanceof RefusedAddressError) {
    return `Refused: ${error.message}`;
  }
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
