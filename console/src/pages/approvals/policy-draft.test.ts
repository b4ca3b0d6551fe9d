import { describe, expect, it } from 'vitest';
import { newPolicyDraft, policyErrors, toPolicyInput } from './policy-draft';

describe('policy draft', () => {
  it('sends an empty pattern as none and leaves empty level names to the server', () => {
    const draft = { ...newPolicyDraft(), name: ' prod ', configKeyPattern: ' ' };
    expect(toPolicyInput('production', draft, '')).toEqual({
      environment: 'production',
      name: 'prod',
      configKeyPattern: null,
      levels: [{ approverKeyIds: [], anyApprover: false, required: 1 }],
      rejectionCloses: true,
      editResetsReviews: true,
      allowAdminBypass: false,
      exemptSafetyActions: true,
    });
  });

  it('puts each server error at its field, approvers at their level', () => {
    expect(
      policyErrors([
        { path: 'input.levels[1].required', message: 'too many' },
        { path: 'input.levels[0].approverKeyIds[2]', message: 'revoked' },
        { path: 'input.levels[0].approverKeyIds[3]', message: 'sdk' },
        { path: 'input.configKeyPattern', message: 'bad' },
      ]),
    ).toEqual({
      'levels.1.required': 'too many',
      'levels.0.approverKeyIds': 'revoked; sdk',
      configKeyPattern: 'bad',
    });
  });
});
