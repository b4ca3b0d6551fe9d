import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisConnections } from './redis-connections';

/** Redis connections for BullMQ, pub/sub and health checks; idle when REDIS_URL is unset. */
@Global()
@Module({
  providers: [
    { provide: RedisConnections, inject: [AppConfig], useFactory: RedisConnections.forConfig },
  ],
  exports: [RedisConnections],
})
export class RedisModule {}
