import { ConsoleLogger } from '@nestjs/common';

/**
 * Unit tests check results, not log lines. Nest's console logger would print every failure
 * they cause on purpose (a job giving up, a handler that throws, a masked error), burying a
 * real one; set TEST_LOG_LEVEL (as for the e2e tests) to see them. Patched on the class
 * because a compiled TestingModule installs a console logger of its own.
 */
if (!process.env.TEST_LOG_LEVEL) {
  const quiet = () => undefined;
  Object.assign(ConsoleLogger.prototype, { printMessages: quiet, printStackTrace: quiet });
}
