import { Global, Module } from '@nestjs/common';
import { RedisConnections } from './redis-connections';

/** Redis connections for BullMQ, pub/sub and health checks; idle when REDIS_URL is unset. */
@Global()
@Module({
  providers: [RedisConnections],
  exports: [RedisConnections],
})
export class RedisModule {}
