import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../core/config/app-config';
import { ApiKeysService } from './api-keys.service';

/**
 * On an api start: make sure an admin can get in. A generated token goes to stdout once,
 * outside the JSON log, because secrets never reach a log line.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrap.name);

  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runsApi) return;
    const { generatedToken } = await this.apiKeys.bootstrap();
    if (generatedToken) {
      this.logger.warn(
        'No admin API key existed: generated one and printed it to stdout (shown once)',
      );
      process.stdout.write(
        `\n  Business Config admin token (shown once, store it now):\n\n    ${generatedToken}\n\n` +
          `  Use it as: Authorization: Bearer <token>\n\n`,
      );
    }
  }
}
