import type { ApprovalPolicyFieldsFragment } from '../../api/gql/graphql';

/** A policy as its form edits it. */
export interface PolicyDraft {
  name: string;
  configKeyPattern: string;
  levels: { name: string; approverKeyIds: string[]; anyApprover: boolean; required: number }[];
  rejectionCloses: boolean;
  editResetsReviews: boolean;
  allowAdminBypass: boolean;
  exemptSafetyActions: boolean;
}

export function newPolicyDraft(): PolicyDraft {
  return {
    name: '',
    configKeyPattern: '',
    levels: [{ name: '', approverKeyIds: [], anyApprover: false, required: 1 }],
    rejectionCloses: true,
    editResetsReviews: true,
    allowAdminBypass: false,
    exemptSafetyActions: true,
  };
}

export function toPolicyDraft(policy: ApprovalPolicyFieldsFragment): PolicyDraft {
  return {
    name: policy.name,
    configKeyPattern: policy.configKeyPattern ?? '',
    levels: policy.levels.map((level) => ({ ...level })),
    rejectionCloses: policy.rejectionCloses,
    editResetsReviews: policy.editResetsReviews,
    allowAdminBypass: policy.allowAdminBypass,
    exemptSafetyActions: policy.exemptSafetyActions,
  };
}

/** setApprovalPolicy's input: an empty pattern is none (every key), empty level names default. */
export function toPolicyInput(environment: string, draft: PolicyDraft, comment: string) {
  return {
    environment,
    name: draft.name.trim(),
    configKeyPattern: draft.configKeyPattern.trim() || null,
    levels: draft.levels.map((level) => ({
      ...(level.name.trim() ? { name: level.name.trim() } : {}),
      approverKeyIds: level.approverKeyIds,
      anyApprover: level.anyApprover,
      required: level.required,
    })),
    rejectionCloses: draft.rejectionCloses,
    editResetsReviews: draft.editResetsReviews,
    allowAdminBypass: draft.allowAdminBypass,
    exemptSafetyActions: draft.exemptSafetyActions,
    ...(comment.trim() ? { comment: comment.trim() } : {}),
  };
}

/**
 * The server's validation errors by field of the form: `input.levels[1].required` is
 * "levels.1.required".
 */
export function policyErrors(
  errors: readonly { path: string; message: string }[],
): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const { path, message } of errors) {
    const field = path
      .replace(/^input\./, '')
      .replace(/\[(\d+)\]/g, '.$1')
      // An approver's problem shows at its level's approver list.
      .replace(/^(levels\.\d+\.approverKeyIds)\.\d+$/, '$1');
    byField[field] = byField[field] ? `${byField[field]}; ${message}` : message;
  }
  return byField;
}
