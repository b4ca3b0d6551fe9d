import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigsModule } from '../configs/configs.module';
import { EnvironmentsModule } from '../environments/environments.module';
import { EvaluationModule } from '../evaluation/evaluation.module';
import { ConfigDeployment } from './config-deployment.entity';
import { DeploymentProgression } from './deployment-progression';
import { DeploymentUpdates } from './deployment-updates.service';
import { DeploymentsResolver, DeploymentUpdatesResolver } from './deployments.resolver';
import { DeploymentsService } from './deployments.service';
import { GuardService } from './guard.service';
import { AdvanceDeploymentJob } from './jobs/advance-deployment.job';
import { SweepDeploymentsJob } from './jobs/sweep-deployments.job';

@Module({
  imports: [
    TypeOrmModule.forFeature([ConfigDeployment]),
    ConfigsModule,
    EnvironmentsModule,
    EvaluationModule,
  ],
  providers: [
    DeploymentsService,
    DeploymentUpdates,
    DeploymentProgression,
    GuardService,
    DeploymentsResolver,
    DeploymentUpdatesResolver,
    AdvanceDeploymentJob,
    SweepDeploymentsJob,
  ],
  exports: [DeploymentsService, GuardService],
})
export class DeploymentsModule {}
