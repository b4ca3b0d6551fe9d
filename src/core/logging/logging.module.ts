import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { RequestLogging } from './request-logging';

/**
 * JSON logs (pino) through Nest's Logger, with the request id on every line logged while
 * serving a request. RequestLogging's middleware (mounted first, by the bootstrap) names
 * requests and binds their loggers, in place of pino-http, which builds a child logger per
 * request whether anything is logged or not; nestjs-pino only routes Nest's Logger to them.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [RequestLogging],
      inject: [RequestLogging],
      useFactory: (logging: RequestLogging) => ({
        pinoHttp: { logger: logging.root },
        useExisting: true,
        forRoutes: [],
      }),
    }),
  ],
})
export class LoggingModule {}
