import { GraphQLResponse, TestApp } from '../support/test-app';
import { createApiKey, CreatedKey } from './api-key.factory';

let sequence = 0;

export const POLICY_FIELDS = `id name configKeyPattern rejectionCloses editResetsReviews allowAdminBypass
  exemptSafetyActions updatedBy levels { name approverKeyIds anyApprover required }`;

export const APPROVAL_FIELDS = `id configKey kind status baseVersion policyName comment round currentLevel
  applyAt reason proposal appliedAt closedAt rejectionCloses editResetsReviews
  requester { keyId name }
  levels { level name required approvals satisfied approverKeyIds anyApprover
    reviews { id level decision comment at reviewer { keyId name } } }`;

export interface ApprovalView {
  id: string;
  configKey: string;
  kind: string;
  status: string;
  baseVersion: number;
  policyName: string;
  comment: string | null;
  round: number;
  currentLevel: number;
  applyAt: string | null;
  reason: string | null;
  levels: {
    level: number;
    required: number;
    approvals: number;
    satisfied: boolean;
    reviews: { decision: string; comment: string | null; reviewer: { keyId: string } }[];
  }[];
  [field: string]: unknown;
}

/** A key with an owner (a person); `email` defaults to one of its own. */
export async function createPerson(
  app: TestApp,
  roles: string[],
  owner: { name?: string; email?: string } = {},
): Promise<CreatedKey & { email: string }> {
  sequence += 1;
  const key = await createApiKey(app, { name: `person key ${sequence}`, roles });
  const email =
    owner.email ?? `person-${sequence}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const response = await app.gql(
    `mutation ($input: SetApiKeyOwnerInput!) { setApiKeyOwner(input: $input) { apiKey { id } } }`,
    { input: { id: key.id, owner: { name: owner.name ?? `Person ${sequence}`, email } } },
  );
  if (response.errors) throw new Error(`setApiKeyOwner failed: ${JSON.stringify(response.errors)}`);
  return { ...key, email };
}

export function setPolicy(
  app: TestApp,
  input: Record<string, unknown>,
  token?: string,
): Promise<GraphQLResponse<{ setApprovalPolicy: { approvalPolicy: Record<string, unknown> } }>> {
  return app.gql(
    `mutation ($input: SetApprovalPolicyInput!) {
      setApprovalPolicy(input: $input) { approvalPolicy { ${POLICY_FIELDS} } } }`,
    { input: { environment: 'development', name: `policy ${++sequence}`, ...input } },
    token,
  );
}

export function requestChange(
  app: TestApp,
  input: Record<string, unknown>,
  token?: string,
): Promise<GraphQLResponse<{ requestConfigChange: { approval: ApprovalView } }>> {
  return app.gql(
    `mutation ($input: RequestConfigChangeInput!) {
      requestConfigChange(input: $input) { approval { ${APPROVAL_FIELDS} } } }`,
    { input: { environment: 'development', ...input } },
    token,
  );
}

export function reviewChange(
  app: TestApp,
  id: string,
  decision: 'APPROVE' | 'REJECT',
  token: string,
  comment: string | null = null,
): Promise<GraphQLResponse<{ reviewConfigChange: { approval: ApprovalView } }>> {
  return app.gql(
    `mutation ($input: ReviewConfigChangeInput!) {
      reviewConfigChange(input: $input) { approval { ${APPROVAL_FIELDS} } } }`,
    { input: { id, decision, comment } },
    token,
  );
}

export async function approvalById(
  app: TestApp,
  id: string,
  token?: string,
): Promise<ApprovalView> {
  const response = await app.gql<{ approval: ApprovalView }>(
    `query ($id: ID!) { approval(id: $id) { ${APPROVAL_FIELDS} } }`,
    { id },
    token,
  );
  if (!response.data) throw new Error(JSON.stringify(response.errors));
  return response.data.approval;
}
