import * as nodeModule from 'node:module';

/**
 * Imported first by main.ts: from Node 22.1, V8's compiled code for every module loaded after
 * this is kept on disk (in the OS temporary directory), so later starts skip compiling the
 * dependencies' JavaScript, most of a start's CPU time. Older Node has no such cache.
 */
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
