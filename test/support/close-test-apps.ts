import { closeUnclosedTestApps } from './test-app';

/** After each test file, whatever its outcome: no app it started outlives it. */
afterAll(() => closeUnclosedTestApps(), 300_000);
