import express from 'express';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { CONSOLE_CSP, consoleRouter } from './console.router';

describe('consoleRouter', () => {
  let dist: string;
  let app: express.Express;

  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    app = express();
    app.use('/console', consoleRouter(dist));
  });

  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('serves hashed assets with a year-long immutable cache', async () => {
    const res = await request(app).get('/console/assets/index-abc123.js').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toMatch(/javascript/);
  });

  it('serves index.html uncached, with a strict content security policy', async () => {
    const res = await request(app).get('/console/').expect(200);
    expect(res.text).toContain('<title>console</title>');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('answers deep links with index.html so the app routes them', async () => {
    const res = await request(app)
      .get('/console/envs/production/configs/checkout.banner')
      .expect(200);
    expect(res.text).toContain('<title>console</title>');
  });

  it('serves the icon, also to a browser that asks for favicon.ico', async () => {
    const res = await request(app).get('/console/favicon.svg').expect(200);
    expect(res.headers['content-type']).toBe('image/svg+xml');
    expect(res.headers['cache-control']).toBe('public, max-age=86400');
    await request(app).get('/console/favicon.ico').expect(301).expect('location', 'favicon.svg');
  });

  it('gives 404, not the app, for a missing asset', async () => {
    const res = await request(app).get('/console/assets/index-gone.js').expect(404);
    expect(res.text).not.toContain('<title>');
  });

  it('says how to build the console when it has not been built', async () => {
    const bare = express();
    bare.use('/console', consoleRouter(undefined));
    const res = await request(bare).get('/console/').expect(503);
    expect(res.text).toMatch(/npm run build/);
  });
});
