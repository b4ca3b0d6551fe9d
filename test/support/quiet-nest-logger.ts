import { Logger } from '@nestjs/common';

/**
 * Unit tests check results, not log lines. Nest's console logger would print every failure
 * they cause on purpose (a job giving up, a dependency down), burying a real one; set
 * TEST_LOG_LEVEL (as for the e2e tests) to see them.
 */
if (!process.env.TEST_LOG_LEVEL) Logger.overrideLogger(false);
