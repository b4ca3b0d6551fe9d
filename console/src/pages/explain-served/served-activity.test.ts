import { describe, expect, it } from 'vitest';
import {
  deploymentHeadline,
  deploymentOutcome,
  experimentHeadline,
  experimentOutcome,
  type ServedDeployment,
  type ServedExperiment,
} from './served-activity';

const DEPLOYMENT: ServedDeployment = {
  deploymentId: '0b5e3c9a-1111-4222-8333-444455556666',
  percentage: 12.5,
  served: 'CANDIDATE',
  bucket: 812,
  salt: 'checkout:0b5e3c9a-1111-4222-8333-444455556666',
  status: 'IN_PROGRESS',
  step: 0,
  change: { id: 'entry-1', createdAt: '2026-12-01T09:00:00.000Z' },
};
const EXPERIMENT: ServedExperiment = {
  id: 'exp-1',
  key: 'banner-test',
  name: 'Banner colour',
  assignment: 'RANDOM',
  variant: 'green',
  assignedAt: '2026-12-01T09:05:00.000Z',
  replayable: true,
  change: { id: 'entry-2', action: 'EXPERIMENT_STARTED', createdAt: '2026-12-01T09:00:00.000Z' },
};
const iso = (value: string) => value;

describe('deployment sentences', () => {
  it('says where the deployment stood and which side of the split the bucket fell', () => {
    expect(deploymentHeadline(DEPLOYMENT)).toBe(
      'Deployment 0b5e3c9a was in progress at step 1, serving its candidate to 12.5% of subjects.',
    );
    expect(deploymentOutcome(DEPLOYMENT)).toBe(
      `Its bucket is 812 of 10,000 (salt ${DEPLOYMENT.salt}), below 1250: it got the candidate state.`,
    );
    expect(deploymentOutcome({ ...DEPLOYMENT, served: 'STABLE', bucket: 4000 })).toMatch(
      /4000 of 10,000 .* not below 1250: it got the stable state\.$/,
    );
  });

  it('explains a pause, the ends of the range and a subject without a stickiness value', () => {
    expect(deploymentHeadline({ ...DEPLOYMENT, status: 'PAUSED', step: 2 })).toMatch(
      /was paused at step 3/,
    );
    expect(deploymentOutcome({ ...DEPLOYMENT, percentage: 100 })).toBe(
      'At 100% every subject got the candidate state.',
    );
    expect(deploymentOutcome({ ...DEPLOYMENT, served: 'STABLE', bucket: null })).toMatch(
      /no stickiness value.*the stable state\.$/,
    );
  });
});

describe('experiment sentences', () => {
  it('names the experiment and the variant, with when a random one was stored', () => {
    expect(experimentHeadline(EXPERIMENT, iso)).toBe(
      'Experiment “Banner colour” (banner-test), random assignment, was running, since 2026-12-01T09:00:00.000Z.',
    );
    expect(experimentOutcome(EXPERIMENT, iso)).toBe(
      'It served this subject variant “green”, stored for it at 2026-12-01T09:05:00.000Z.',
    );
    const consistent = { ...EXPERIMENT, assignment: 'CONSISTENT' as const, assignedAt: null };
    expect(experimentOutcome(consistent, iso)).toBe('It served this subject variant “green”.');
  });

  it('says why no variant served, and when it cannot be known', () => {
    const none = { ...EXPERIMENT, variant: null, assignedAt: null };
    expect(experimentOutcome(none)).toMatch(/No variant had been stored/);
    expect(experimentOutcome({ ...none, assignment: 'TARGETING' })).toMatch(
      /outside its traffic or its targeting/,
    );
    const gone = { ...none, id: null, name: null, assignment: null, replayable: false };
    expect(experimentHeadline(gone, iso)).toBe(
      'Experiment “banner-test” was running, since 2026-12-01T09:00:00.000Z.',
    );
    expect(experimentOutcome(gone)).toMatch(/cannot be replayed/);
  });
});
