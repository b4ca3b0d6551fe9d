import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Authenticator } from '../../core/auth/authenticator';
import { EnvironmentsModule } from '../environments/environments.module';
import { AdminBootstrap } from './admin-bootstrap';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ApiKey } from './api-key.entity';
import { ApiKeysResolver } from './api-keys.resolver';
import { ApiKeysService } from './api-keys.service';
import { PruneRevokedApiKeysJob } from './jobs/prune-revoked-api-keys.job';

@Module({
  imports: [TypeOrmModule.forFeature([ApiKey]), EnvironmentsModule],
  providers: [
    ApiKeysService,
    ApiKeyAuthenticator,
    { provide: Authenticator, useExisting: ApiKeyAuthenticator },
    ApiKeysResolver,
    PruneRevokedApiKeysJob,
    AdminBootstrap,
  ],
  exports: [ApiKeysService, Authenticator],
})
export class ApiKeysModule {}
