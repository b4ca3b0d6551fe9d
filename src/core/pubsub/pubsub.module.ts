import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisConnections } from '../redis/redis-connections';
import { InProcessPubSub } from './in-process-pub-sub';
import { PubSub } from './pub-sub';

/**
 * PubSub for every module: Redis when REDIS_URL is set, in memory otherwise. The Redis
 * adapter is imported only when chosen, so the embedded mode never loads ioredis.
 */
@Global()
@Module({
  providers: [
    {
      provide: PubSub,
      inject: [AppConfig, RedisConnections],
      useFactory: async (config: AppConfig, redis: RedisConnections): Promise<PubSub> => {
        if (config.embeddedQueue) return new InProcessPubSub();
        const { RedisPubSub } = await import('./redis-pub-sub');
        return new RedisPubSub(config, redis);
      },
    },
  ],
  exports: [PubSub],
})
export class PubSubModule {}
