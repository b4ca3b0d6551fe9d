import type { TestProject } from 'vitest/node';
import { startServer } from './server';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    adminToken: string;
  }
}

/** CONSOLE_E2E_URL and CONSOLE_E2E_TOKEN reuse a running server instead of starting one. */
export default async function setup(project: TestProject) {
  const url = process.env.CONSOLE_E2E_URL;
  const token = process.env.CONSOLE_E2E_TOKEN;
  if (url && token) {
    project.provide('baseUrl', url);
    project.provide('adminToken', token);
    return;
  }
  const server = await startServer();
  project.provide('baseUrl', server.baseUrl);
  project.provide('adminToken', server.adminToken);
  return () => server.stop();
}
