import {
  accessSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * PostgreSQL sizes its shared memory for 100 sessions and 128 MB of buffers, and touches all of
 * it at start, so it is resident from the first second; PGlite serves one session. Its buffers
 * sit in front of the operating system's file cache (the data directory is ordinary files), so
 * 4 MB (512 pages, several times the working set of a write) costs a read call on a miss, not
 * a disk access. WASM memory never shrinks, so maintenance work (index builds in migrations) is
 * bounded too.
 */
export const EMBEDDED_SETTINGS = {
  shared_buffers: '4MB',
  max_connections: '8',
  maintenance_work_mem: '16MB',
};

/** node_modules/@electric-sql/pglite: its package.json is not exported; it sits above dist/. */
const PGLITE_DIR = join(dirname(require.resolve('@electric-sql/pglite')), '..');
const PGLITE_VERSION = (
  JSON.parse(readFileSync(join(PGLITE_DIR, 'package.json'), 'utf8')) as { version: string }
).version;

/**
 * A freshly initialised data directory (initdb's output) for this PGlite version, in
 * node_modules/.cache. initdb is most of a first start's time and memory (a second PostgreSQL
 * instance runs it) and its result never varies, so it is made once per install (`npm ci`
 * makes it, see scripts/embedded-template.ts) and copied into each new DATA_DIR.
 */
export const TEMPLATE_DIR = join(
  PGLITE_DIR,
  '..',
  '..',
  '.cache',
  'business-config',
  `pglite-${PGLITE_VERSION}-initdb`,
);

function startParams(): string[] {
  const settings = Object.entries(EMBEDDED_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  return [...PGlite.defaultStartParams, ...settings];
}

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

  /**
   * `dataDir` of `memory://` keeps everything in memory (used by tests); such a database may
   * start as a copy of `loadDataDir`, a data directory `dumpDataDir` made (tests start from a
   * migrated one rather than running initdb and every migration per app).
   */
  static async start(
    dataDir: string,
    { loadDataDir }: { loadDataDir?: Blob } = {},
  ): Promise<EmbeddedPostgres> {
    const inMemory = dataDir === 'memory://';
    if (loadDataDir && !inMemory) throw new Error('loadDataDir is for memory:// only');
    const location = inMemory ? dataDir : resolve(dataDir, 'pgdata');
    if (!inMemory && !existsSync(join(location, 'PG_VERSION'))) {
      mkdirSync(dirname(location), { recursive: true });
      rmSync(location, { recursive: true, force: true });
      cpSync(await EmbeddedPostgres.template(), location, { recursive: true });
    }
    const db = await PGlite.create({
      dataDir: inMemory ? undefined : location,
      loadDataDir,
      startParams: startParams(),
    });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
    await server.start();
    const url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
    return new EmbeddedPostgres(db, server, url, location);
  }

  /**
   * The initdb template's directory, made now when this install has none yet; where the
   * install is read-only (a container image), made in a temporary directory instead.
   */
  static async template(): Promise<string> {
    if (existsSync(join(TEMPLATE_DIR, 'PG_VERSION'))) return TEMPLATE_DIR;
    let parent = dirname(TEMPLATE_DIR);
    try {
      mkdirSync(parent, { recursive: true });
      accessSync(parent, constants.W_OK);
    } catch {
      parent = tmpdir();
    }
    // Made aside and renamed, so a concurrent start never copies half a template.
    const building = mkdtempSync(join(parent, 'initdb-'));
    const initdb = await PGlite.create(building, { startParams: startParams() });
    await initdb.close();
    if (parent !== dirname(TEMPLATE_DIR)) return building;
    try {
      renameSync(building, TEMPLATE_DIR);
    } catch {
      // Another process made it first.
      rmSync(building, { recursive: true, force: true });
    }
    return TEMPLATE_DIR;
  }

  /**
   * The data directory as an uncompressed tarball, for `start`'s `loadDataDir`; checkpointed
   * first, so a copy starts without replaying the write-ahead log.
   */
  async dumpDataDir(): Promise<Blob> {
    await this.db.exec('CHECKPOINT');
    return this.db.dumpDataDir('none');
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
  }
}
