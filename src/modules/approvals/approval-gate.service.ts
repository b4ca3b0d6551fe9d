import { Injectable, OnModuleInit } from '@nestjs/common';
import { systemAuthor } from '../../core/auth/actor';
import { grantsAny, Role } from '../../core/auth/role';
import { AppError } from '../../core/errors/app-error';
import {
  ApprovalGate,
  Clearance,
  SAFETY_OPERATIONS,
  WriteIntent,
} from '../configs/change-approval';
import { ConfigChangeService } from '../configs/config-change.service';
import { PROGRESSION_AUTHOR } from '../deployments/deployments.service';
import { GUARD_AUTHOR } from '../deployments/guard.service';
import { EnvironmentsService } from '../environments/environments.service';
import { ApprovalPoliciesService } from './approval-policies.service';

/** The author an approved change request is applied under (the history names the request). */
export const APPLY_AUTHOR = systemAuthor('approvals');

/**
 * System writers exempt from approval, by name: a deployment's progression and its guards
 * carry out what was already started (and approved, where a policy applies), and approved
 * requests are applied by the approvals themselves. Any other system writer is refused.
 */
const EXEMPT_SYSTEM_WRITERS: ReadonlySet<string> = new Set([
  PROGRESSION_AUTHOR.name,
  GUARD_AUTHOR.name,
  APPLY_AUTHOR.name,
]);

/**
 * Approval enforcement in the change path (DESIGN.md): a person's write to a config that an
 * environment's policy governs is refused with APPROVAL_REQUIRED naming the policy, unless
 * the policy exempts it (safety actions) or an admin bypasses it where the policy allows,
 * with a comment the history records.
 */
@Injectable()
export class ApprovalGateService extends ApprovalGate implements OnModuleInit {
  constructor(
    private readonly changes: ConfigChangeService,
    private readonly policies: ApprovalPoliciesService,
    private readonly environments: EnvironmentsService,
  ) {
    super();
  }

  onModuleInit(): void {
    this.changes.useGate(this);
  }

  async clear(intent: WriteIntent): Promise<Clearance> {
    const cleared = { environmentId: intent.environmentId, key: intent.key, note: null };
    const { author } = intent;
    if (author.kind === 'system') {
      if (!EXEMPT_SYSTEM_WRITERS.has(author.name)) {
        throw new Error(`System writer "${author.name}" is not exempt from approvals`);
      }
      return cleared;
    }
    const policy = await this.policies.governing(intent.environmentId, intent.key);
    if (!policy) return cleared;
    if (SAFETY_OPERATIONS.has(intent.operation) && policy.exemptSafetyActions) return cleared;
    const environment = await this.environments.findById(intent.environmentId);
    const details = {
      policy: { id: policy.id, name: policy.name },
      environment: environment?.key,
      key: intent.key,
      operation: intent.operation,
    };
    if (!intent.bypass) {
      throw AppError.approvalRequired(
        `${intent.operation} of "${intent.key}" in "${environment?.key}" needs approval under the policy "${policy.name}": ask for it with requestConfigChange`,
        details,
      );
    }
    if (!grantsAny(author.roles ?? [], [Role.ADMIN])) {
      throw AppError.forbidden('Only admins may bypass an approval policy', details);
    }
    if (!policy.allowAdminBypass) {
      throw AppError.approvalRequired(
        `The policy "${policy.name}" does not let admins bypass it: ask for approval with requestConfigChange`,
        details,
      );
    }
    if (!intent.bypass.comment?.trim()) {
      throw AppError.badInput('A bypass of an approval policy needs a comment saying why', [
        { path: 'input.comment', rule: 'required', message: 'say why the approval is bypassed' },
      ]);
    }
    return {
      ...cleared,
      note: `Approval bypassed by ${author.name} (policy "${policy.name}")`,
    };
  }
}
