import { graphql } from '../../api/gql';

// The approvals pages' operations; `npm run codegen` types them from schema.gql.

export const ApprovalSummaryFragment = graphql(`
  fragment ApprovalSummary on ConfigApproval {
    id
    configKey
    kind
    status
    baseVersion
    policyName
    comment
    currentLevel
    applyAt
    reason
    createdAt
    updatedAt
    requester {
      keyId
      name
    }
    levels {
      level
      name
      required
      approvals
      satisfied
    }
  }
`);

export const ApprovalsQuery = graphql(`
  query Approvals(
    $environment: String!
    $status: ApprovalStatus
    $requester: ID
    $reviewer: ID
    $first: Int!
    $after: String
  ) {
    approvals(
      environment: $environment
      status: $status
      requester: $requester
      reviewer: $reviewer
      first: $first
      after: $after
    ) {
      edges {
        node {
          ...ApprovalSummary
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const ApprovalQuery = graphql(`
  query Approval($id: ID!) {
    approval(id: $id) {
      ...ApprovalSummary
      proposal
      round
      rejectionCloses
      appliedAt
      closedAt
      viewerCanReview
      diff {
        baseVersion
        currentVersion
        stale
        current
        proposed
      }
      levels {
        level
        name
        required
        approvals
        satisfied
        approverKeyIds
        anyApprover
        reviews {
          id
          decision
          comment
          at
          reviewer {
            keyId
            name
          }
        }
      }
    }
  }
`);

export const ReviewConfigChangeMutation = graphql(`
  mutation ReviewConfigChange($input: ReviewConfigChangeInput!) {
    reviewConfigChange(input: $input) {
      approval {
        id
        status
        currentLevel
      }
    }
  }
`);

export const CancelConfigChangeMutation = graphql(`
  mutation CancelConfigChange($input: CancelConfigChangeInput!) {
    cancelConfigChange(input: $input) {
      approval {
        id
        status
      }
    }
  }
`);

export const RequestConfigChangeMutation = graphql(`
  mutation RequestConfigChange($input: RequestConfigChangeInput!) {
    requestConfigChange(input: $input) {
      approval {
        id
        status
        applyAt
      }
    }
  }
`);

export const ApprovalUpdatedSubscription = graphql(`
  subscription ApprovalUpdated($environment: String!) {
    approvalUpdated(environment: $environment) {
      approvalId
      status
      event
    }
  }
`);

export const ApprovalPolicyFieldsFragment = graphql(`
  fragment ApprovalPolicyFields on ApprovalPolicy {
    id
    name
    configKeyPattern
    rejectionCloses
    editResetsReviews
    allowAdminBypass
    exemptSafetyActions
    updatedAt
    updatedBy
    levels {
      name
      approverKeyIds
      anyApprover
      required
    }
  }
`);

export const ApprovalPoliciesQuery = graphql(`
  query ApprovalPolicies($environment: String!) {
    approvalPolicies(environment: $environment) {
      ...ApprovalPolicyFields
    }
  }
`);

export const GoverningApprovalPolicyQuery = graphql(`
  query GoverningApprovalPolicy($environment: String!, $key: String!) {
    governingApprovalPolicy(environment: $environment, key: $key) {
      id
      name
      allowAdminBypass
    }
  }
`);

export const SetApprovalPolicyMutation = graphql(`
  mutation SetApprovalPolicy($input: SetApprovalPolicyInput!) {
    setApprovalPolicy(input: $input) {
      approvalPolicy {
        ...ApprovalPolicyFields
      }
    }
  }
`);

export const DeleteApprovalPolicyMutation = graphql(`
  mutation DeleteApprovalPolicy($input: DeleteApprovalPolicyInput!) {
    deleteApprovalPolicy(input: $input) {
      deletedPolicyId
    }
  }
`);
