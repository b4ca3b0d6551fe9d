import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * The embedded default: real PostgreSQL compiled to WASM, kept on disk under DATA_DIR and
 * served on a loopback port so TypeORM's ordinary `pg` driver talks to it unchanged.
 * PGlite has one session, so the socket server takes one connection at a time and the
 * pool that uses it must hold a single connection (see database.module.ts).
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly url: string,
    readonly dataDir: string,
  ) {}

  /** `dataDir` of `memory://` keeps everything in memory (used by tests). */
  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    const location = dataDir === 'memory://' ? dataDir : resolve(dataDir, 'pgdata');
    if (location !== 'memory://') mkdirSync(location, { recursive: true });
    const db = await PGlite.create(location === 'memory://' ? undefined : location);
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
    await server.start();
    const url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
    return new EmbeddedPostgres(db, server, url, location);
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
  }
}
