import { EventStream, SlowConsumerError } from './event-stream';

describe('EventStream', () => {
  it('hands pushed values to the consumer in order, buffered or awaited', async () => {
    const stream = new EventStream<number>();
    stream.push(1);
    const pending = stream.next();
    expect(await pending).toEqual({ value: 1, done: false });
    const waiting = stream.next();
    stream.push(2);
    expect(await waiting).toEqual({ value: 2, done: false });
  });

  it('ends a consumer that falls more than the limit behind, and stops its source once', async () => {
    const stop = jest.fn();
    const stream = new EventStream<number>(2);
    stream.stop = stop;
    stream.push(1);
    stream.push(2);
    stream.push(3);
    await expect(stream.next()).rejects.toBeInstanceOf(SlowConsumerError);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    stream.push(4);
    await stream.return();
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('stops its source when the consumer leaves, and releases a waiting read', async () => {
    const stop = jest.fn();
    const stream = new EventStream<number>();
    stream.stop = stop;
    const waiting = stream.next();
    await stream.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('rejects a waiting read with the failure', async () => {
    const stream = new EventStream<number>();
    const waiting = stream.next();
    stream.fail(new Error('reload failed'));
    await expect(waiting).rejects.toThrow('reload failed');
  });
});
