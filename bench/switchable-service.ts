// The service for bench:evaluate's usage-metrics overhead: one API process (ROLE=api, no
// cluster) whose usage counting the benchmark switches on and off between rounds over IPC,
// so both sides of each pair run in the same process, with the same JIT state and memory.
// Started with fork() by bench/evaluate.ts; not part of the product.
import { loadConfig } from '../src/core/config/app-config';
import { createApp } from '../src/bootstrap';
import { UsageRecorder } from '../src/modules/usage/usage-recorder';

export interface SwitchMessage {
  /** Usage metrics on or off for the next round; answered with { switched } once done. */
  metrics: boolean;
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const running = await createApp(config);
  await running.app.listen(config.PORT, config.HOST);
  const recorder = running.app.get(UsageRecorder);
  process.on('message', (message: SwitchMessage) => {
    // What was counted is written before the switch, so a round's flushes are its own.
    void recorder.flush().then(() => {
      (recorder as { enabled: boolean }).enabled = message.metrics;
      process.send!({ switched: message.metrics });
    });
  });
  process.once('SIGTERM', () => void running.close().then(() => process.exit(0)));
  // The benchmark gone (crashed, killed): nothing keeps this one's port.
  process.once('disconnect', () => void running.close().then(() => process.exit(1)));
  process.send!({ ready: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
