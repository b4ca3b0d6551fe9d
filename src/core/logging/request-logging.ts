import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { storage, Store } from 'nestjs-pino/storage';
import pino, { Level, Logger } from 'pino';
import { AppConfig } from '../config/app-config';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/** pino-http's typings (through nestjs-pino) give IncomingMessage its `id` and `log`. */
export type LoggedRequest = IncomingMessage & { originalUrl?: string };

/** A caller's X-Request-Id when it is sane, else a new one; echoed on the response. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

/**
 * What a log line says of the request and the response. No headers: no credentials, cookies
 * or websocket tokens to redact, and a request logs in a fraction of the time.
 */
export const requestLogSerializers = {
  req: (req: LoggedRequest) => ({
    id: req.id,
    method: req.method,
    // Routers mounted on a path (OFREP) see the rest of it in `url`.
    url: req.originalUrl ?? req.url,
    remoteAddress: req.socket?.remoteAddress,
  }),
  res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
};

function levelOf(res: ServerResponse, error?: Error): Level {
  return error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
}

const noop = () => undefined;

/**
 * A request's logger that builds its child of `root` (which serializes the request) only when
 * a line is written: a request that logs nothing costs no child. Calls at a disabled level do
 * nothing, as on any pino logger.
 */
export function lazyRequestLogger(root: Logger, req: LoggedRequest): Logger {
  let child: Logger | undefined;
  const real = () => (child ??= root.child({ req }));
  return new Proxy(root, {
    get(_target, property) {
      if (typeof property === 'string' && property in root.levels.values) {
        if (!root.isLevelEnabled(property)) return noop;
      }
      const logger = real();
      const value: unknown = Reflect.get(logger, property, logger);
      return typeof value === 'function' ? value.bind(logger) : value;
    },
    set: (_target, property, value) => Reflect.set(real(), property, value),
  });
}

/**
 * The request id and request log of every HTTP request, mounted ahead of everything else
 * (Nest's routes, OFREP's router, static files): the id is echoed as X-Request-Id, every line
 * logged while serving carries it (through nestjs-pino's store), and one line is written when
 * the response ends (info, warn for 4xx, error for 5xx; never a stack for a status code).
 */
@Injectable()
export class RequestLogging {
  readonly root: Logger;

  constructor(config: AppConfig) {
    this.root = pino({ level: config.LOG_LEVEL, serializers: requestLogSerializers });
  }

  readonly middleware = (req: LoggedRequest, res: ServerResponse, next: () => void): void => {
    req.id = requestId(req, res);
    const log = lazyRequestLogger(this.root, req);
    req.log = log;
    if (!QUIET_PATHS.has(req.url ?? '')) {
      const started = Date.now();
      let logged = false;
      const done = (error?: Error) => {
        if (logged) return;
        logged = true;
        const level = levelOf(res, error);
        if (!this.root.isLevelEnabled(level)) return;
        log[level](
          { res, err: error, responseTime: Date.now() - started },
          res.writableFinished ? 'request completed' : 'request aborted',
        );
      };
      res.once('finish', () => done());
      res.once('close', () => done());
      res.once('error', done);
    }
    storage.run(new Store(log), next);
  };
}
