import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { warmJsonSchemaCompiler } from '../../engine/json-schema';

/**
 * Warms the JSON Schema compiler once the server listens, in a turn of its own: the first
 * `validationSchema` of the process would otherwise compile Ajv's meta-schema inside its
 * request. Readiness does not wait for it.
 */
@Injectable()
export class JsonSchemaWarmup implements OnApplicationBootstrap {
  /** Settles once the compiler is warm. */
  readonly warmed: Promise<void>;
  private done!: () => void;

  constructor(private readonly adapterHost: HttpAdapterHost) {
    this.warmed = new Promise<void>((resolve) => (this.done = resolve));
  }

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as
      { listening: boolean; once(event: 'listening', listener: () => void): void } | undefined;
    const warm = () =>
      setImmediate(() => {
        warmJsonSchemaCompiler();
        this.done();
      });
    if (server && !server.listening) server.once('listening', warm);
    else warm();
  }
}
