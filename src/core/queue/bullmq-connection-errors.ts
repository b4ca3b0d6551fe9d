import { EventEmitter } from 'node:events';
import { Queue, Worker } from 'bullmq';

/**
 * BullMQ (5.x) reports a connection set-up that failed by emitting 'error' on its internal
 * RedisConnection, and closing a queue or worker removes every listener of that connection.
 * A set-up still waiting for an unreachable Redis at shutdown then fails after the close,
 * where nobody listens: the emit throws inside a promise callback, and the unhandled rejection
 * ("connect ECONNREFUSED …") ends the process with an error instead of a clean exit. This keeps
 * one error listener on a queue's or worker's connections for their whole life (the errors
 * themselves are reported once per outage by RedisConnections). Upstream, still open in 5.81:
 * https://github.com/taskforcesh/bullmq/issues/3546; remove this once BullMQ fixes it.
 */
export function keepConnectionErrorsHandled(owner: Queue | Worker): void {
  const internals = owner as unknown as {
    connection?: EventEmitter;
    blockingConnection?: EventEmitter;
  };
  for (const connection of [internals.connection, internals.blockingConnection]) {
    if (!connection) continue;
    const ignore = () => undefined;
    connection.on('error', ignore);
    const removeAll = connection.removeAllListeners.bind(connection);
    connection.removeAllListeners = (event?: string | symbol) => {
      removeAll(event);
      connection.on('error', ignore);
      return connection;
    };
  }
}
