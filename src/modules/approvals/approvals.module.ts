import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { ConfigsModule } from '../configs/configs.module';
import { DeploymentsModule } from '../deployments/deployments.module';
import { EnvironmentsModule } from '../environments/environments.module';
import { ExperimentsModule } from '../experiments/experiments.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { ApprovalApplier } from './approval-applier.service';
import { ApprovalEvents } from './approval-events.service';
import { ApprovalGateService } from './approval-gate.service';
import { ApprovalNotifier } from './approval-notifier.service';
import { ApprovalScheduling } from './approval-scheduling.service';
import { ApprovalUpdates } from './approval-updates.service';
import { ApplyConfigChangeJob } from './jobs/apply-config-change.job';
import { SweepConfigChangesJob } from './jobs/sweep-config-changes.job';
import { ApprovalsResolver, ApprovalUpdatesResolver } from './approvals.resolver';
import { ApprovalsService } from './approvals.service';
import { ApprovalPoliciesResolver } from './approval-policies.resolver';
import { ApprovalPoliciesService } from './approval-policies.service';
import { ApprovalPolicy } from './approval-policy.entity';
import { ApprovalPolicyChange } from './approval-policy-change.entity';
import { ApprovalReview } from './approval-review.entity';
import { ConfigApproval } from './config-approval.entity';

/** Approval policies, change requests and their reviews (docs/approvals.md). */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      ApprovalPolicy,
      ApprovalPolicyChange,
      ConfigApproval,
      ApprovalReview,
    ]),
    EnvironmentsModule,
    ApiKeysModule,
    ConfigsModule,
    DeploymentsModule,
    ExperimentsModule,
    NotificationsModule,
  ],
  providers: [
    ApprovalPoliciesService,
    ApprovalPoliciesResolver,
    ApprovalGateService,
    ApprovalsService,
    ApprovalApplier,
    ApprovalUpdates,
    ApprovalEvents,
    ApprovalNotifier,
    ApprovalScheduling,
    ApplyConfigChangeJob,
    SweepConfigChangesJob,
    ApprovalsResolver,
    ApprovalUpdatesResolver,
  ],
  exports: [ApprovalPoliciesService, ApprovalsService],
})
export class ApprovalsModule {}
