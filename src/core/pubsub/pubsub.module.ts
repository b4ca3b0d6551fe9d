import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisConnections } from '../redis/redis-connections';
import { InProcessPubSub } from './in-process-pub-sub';
import { PubSub } from './pub-sub';
import { RedisPubSub } from './redis-pub-sub';

/** PubSub for every module: Redis when REDIS_URL is set, in memory otherwise. */
@Global()
@Module({
  providers: [
    {
      provide: PubSub,
      inject: [AppConfig, RedisConnections],
      useFactory: (config: AppConfig, redis: RedisConnections): PubSub =>
        config.embeddedQueue ? new InProcessPubSub() : new RedisPubSub(config, redis),
    },
  ],
  exports: [PubSub],
})
export class PubSubModule {}
