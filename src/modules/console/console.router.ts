import { Request, Response, Router, static as serveStatic } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Scripts only from our own files; styles may be inline because the component library sets
 * CSS variables and positions through style attributes; `connect-src 'self'` covers the
 * same-origin graphql-ws socket (CSP 3 matches ws:/wss: for 'self').
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where `npm run build` puts the console, from src/ (ts-node, tests) or dist/src/ (built). */
export function findConsoleDist(): string | undefined {
  const candidates = [
    join(__dirname, '..', '..', '..', 'console', 'dist'),
    join(__dirname, '..', '..', '..', '..', 'console', 'dist'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

function securityHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
}

/**
 * The admin console at /console (`distDir` from findConsoleDist()): hashed assets cached for a year, index.html never cached (it
 * names the current assets), and every other path answered with index.html so deep links work.
 * A plain Express router ahead of Nest's routing, like OFREP's: no guards or pipes to pass.
 */
export function consoleRouter(distDir: string | undefined): Router {
  const router = Router();
  router.use((_req, res, next) => {
    securityHeaders(res);
    next();
  });
  if (!distDir) {
    router.use((_req, res) => {
      res
        .status(503)
        .type('text/plain')
        .send('The console is not built. Run `npm run build` (or `npm start`), then reload.\n');
    });
    return router;
  }
  router.use(
    '/assets',
    serveStatic(join(distDir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      etag: false,
    }),
  );
  router.use('/assets', (_req, res) => {
    res.status(404).type('text/plain').send('Not found\n');
  });
  // The icon (console/public, unhashed): cached for a day. `/favicon.ico`, which some
  // browsers ask for on their own, gets the same icon instead of the app's HTML.
  router.get('/favicon.svg', (_req, res) => {
    res.sendFile(join(distDir, 'favicon.svg'), { maxAge: '1d' });
  });
  router.get('/favicon.ico', (_req, res) => res.redirect(301, 'favicon.svg'));
  // Config keys contain dots, so any other path may be one of the app's routes.
  router.get(/.*/, (_req: Request, res: Response) => {
    // Read per request (it is tiny) so a rebuild is served without a restart.
    res.sendFile(join(distDir, 'index.html'), {
      headers: { 'Cache-Control': 'no-cache' },
      etag: false,
      lastModified: false,
    });
  });
  return router;
}
