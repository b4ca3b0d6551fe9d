import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';
import { AppConfig } from '../config/app-config';
import { RedisConnections } from '../redis/redis-connections';
import { ShutdownState } from './shutdown-state';

@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisConnections,
    private readonly shutdown: ShutdownState,
    private readonly config: AppConfig,
  ) {}

  /** The process is up and its event loop answers. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The process can serve: its database and Redis answer, and it is not shutting down. */
  @Get('ready')
  @HealthCheck()
  ready() {
    if (this.shutdown.isShuttingDown) {
      throw new ServiceUnavailableException({ status: 'shutting_down' });
    }
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 2000 }),
      async () => {
        const check = this.indicator.check('redis');
        if (this.config.embeddedQueue) return check.up({ mode: 'in-process' });
        return (await this.redis.ping())
          ? check.up()
          : check.down({ message: 'Redis did not answer PING' });
      },
    ]);
  }
}
