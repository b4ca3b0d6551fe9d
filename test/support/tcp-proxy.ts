import { AddressInfo, createServer, Server, Socket } from 'node:net';

export type ProxyMode = 'forward' | 'refuse' | 'blackhole';

interface Pair {
  client: Socket;
  upstream: Socket;
}

/**
 * A TCP proxy in front of a real server (PostgreSQL by default), for fault tests:
 * - `forward`: bytes pass both ways;
 * - `refuse`: existing connections are reset and new ones are refused (the listening port
 *   closes, as when the server is down);
 * - `blackhole`: connections stay open but nothing passes either way, new ones included (a
 *   dropped network: no error, no answer). Leaving it resets the connections it silenced,
 *   as a peer that lost their state would.
 */
export class TcpProxy {
  private server?: Server;
  private readonly pairs = new Set<Pair>();
  private currentMode: ProxyMode = 'forward';

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  /** Listens on a free loopback port (or `port`, to come back on the same one). */
  static async start(target = { host: '127.0.0.1', port: 5432 }, port = 0): Promise<TcpProxy> {
    const proxy = new TcpProxy(port, target);
    await proxy.listen();
    return proxy;
  }

  get mode(): ProxyMode {
    return this.currentMode;
  }

  /** Client connections open through the proxy now (answered or silenced). */
  get connections(): number {
    return this.pairs.size;
  }

  /** `url` with its host and port replaced by the proxy's. */
  url(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  async setMode(mode: ProxyMode): Promise<void> {
    if (mode === this.currentMode) return;
    const previous = this.currentMode;
    this.currentMode = mode;
    if (previous === 'blackhole' || mode === 'refuse') this.resetAll();
    if (mode === 'refuse') await this.stopListening();
    if (previous === 'refuse') await this.listen();
    if (mode === 'blackhole') {
      for (const { client, upstream } of this.pairs) silence(client, upstream);
    }
  }

  async close(): Promise<void> {
    this.resetAll();
    await this.stopListening();
  }

  private async listen(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    (this as { port: number }).port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  private async stopListening(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const upstream = new Socket();
    const pair = { client, upstream };
    this.pairs.add(pair);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    if (this.currentMode === 'blackhole') {
      // Accepted by the kernel but never answered, like a SYN into a dropped route.
      client.pause();
      return;
    }
    upstream.connect(this.target.port, this.target.host);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private resetAll(): void {
    for (const { client, upstream } of this.pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }
}

/** Stops every byte both ways while keeping both sockets open. */
function silence(client: Socket, upstream: Socket): void {
  client.unpipe(upstream);
  upstream.unpipe(client);
  client.removeAllListeners('data');
  upstream.removeAllListeners('data');
  client.on('data', () => undefined);
  upstream.on('data', () => undefined);
}
