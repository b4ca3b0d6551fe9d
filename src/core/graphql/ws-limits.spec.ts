import { EventEmitter } from 'node:events';
import { WS_CLOSE_TRY_AGAIN, WsLimits } from './ws-limits';

class FakeSocket extends EventEmitter {
  bufferedAmount = 0;
  closed?: [number, string];
  close(code: number, reason: string): void {
    this.closed = [code, reason];
    this.emit('close');
  }
}

const limits = () =>
  new WsLimits({ WS_MAX_CONNECTIONS: 2, WS_MAX_SUBSCRIPTIONS: 3, WS_MAX_BUFFERED_BYTES: 1000 });

describe('WsLimits', () => {
  it('admits connections up to the limit, and again once one closes', () => {
    const ws = limits();
    const [a, b, c, d] = [new FakeSocket(), new FakeSocket(), new FakeSocket(), new FakeSocket()];
    expect(ws.admit(a)).toBe(true);
    expect(ws.admit(b)).toBe(true);
    expect(ws.admit(c)).toBe(false);
    expect(c.closed?.[0]).toBe(WS_CLOSE_TRY_AGAIN);
    a.close(1000, 'bye');
    expect(ws.admit(d)).toBe(true);
  });

  it('refuses a subscription past the per-connection limit, as RATE_LIMITED', () => {
    const ws = limits();
    expect(ws.refuseSubscription(3)).toBeUndefined();
    const refused = ws.refuseSubscription(4);
    expect(refused?.[0].extensions.code).toBe('RATE_LIMITED');
    expect(refused?.[0].message).toMatch(/at most 3 subscriptions/);
  });

  it('drops a connection that leaves too much unsent', () => {
    const ws = limits();
    const socket = new FakeSocket();
    socket.bufferedAmount = 1000;
    expect(ws.dropIfSlow(socket)).toBe(false);
    socket.bufferedAmount = 1001;
    expect(ws.dropIfSlow(socket)).toBe(true);
    expect(socket.closed?.[0]).toBe(WS_CLOSE_TRY_AGAIN);
  });
});
