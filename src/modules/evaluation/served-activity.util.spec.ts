import { ChangeAction, ConfigChangeLog } from '../history/config-change-log.entity';
import {
  activeDeploymentOf,
  runningExperimentKeyOf,
  startedCandidate,
} from './served-activity.util';

const entry = (action: ChangeAction, after: object | null, configId = 'config-1') =>
  Object.assign(new ConfigChangeLog(), { action, after, configId });
const recorded = (status: string, extra: object = {}) => ({
  deployment: { id: 'dep-1', status, step: 2, percentage: 25.5, ...extra },
});

describe('activeDeploymentOf', () => {
  it('reads an active deployment with its step and percentage', () => {
    for (const status of ['pending', 'in_progress', 'paused']) {
      expect(
        activeDeploymentOf(entry(ChangeAction.DEPLOYMENT_STEP, recorded(status)), 'config-1'),
      ).toEqual({
        id: 'dep-1',
        status,
        step: 2,
        percentage: 25.5,
      });
    }
  });

  it('has none once rolled back or completed, for another config, or without an entry', () => {
    expect(
      activeDeploymentOf(
        entry(ChangeAction.DEPLOYMENT_ROLLED_BACK, recorded('rolled_back')),
        'config-1',
      ),
    ).toBeNull();
    // A completion records the config's new state, not the deployment.
    expect(
      activeDeploymentOf(entry(ChangeAction.DEPLOYMENT_COMPLETED, { value: 'x' }), 'config-1'),
    ).toBeNull();
    expect(
      activeDeploymentOf(entry(ChangeAction.DEPLOYMENT_STEP, recorded('in_progress')), 'config-2'),
    ).toBeNull();
    expect(activeDeploymentOf(null, 'config-1')).toBeNull();
  });
});

describe('startedCandidate', () => {
  const candidate = { value: 'new' };
  const start = entry(ChangeAction.DEPLOYMENT_STARTED, recorded('in_progress', { candidate }));

  it("reads the candidate from the deployment's own start entry only", () => {
    expect(startedCandidate(start, 'dep-1')).toEqual(candidate);
    expect(startedCandidate(start, 'dep-2')).toBeUndefined();
    const step = entry(ChangeAction.DEPLOYMENT_STEP, recorded('in_progress', { candidate }));
    expect(startedCandidate(step, 'dep-1')).toBeUndefined();
    expect(startedCandidate(null, 'dep-1')).toBeUndefined();
  });
});

describe('runningExperimentKeyOf', () => {
  const experiment = (status: string) => ({ experiment: { key: 'exp', status } });

  it('names the experiment a start or resume left running, and none after a stop', () => {
    const started = entry(ChangeAction.EXPERIMENT_STARTED, experiment('running'));
    expect(runningExperimentKeyOf(started, 'config-1')).toBe('exp');
    expect(runningExperimentKeyOf(started, 'config-2')).toBeNull();
    for (const status of ['paused', 'completed']) {
      const stopped = entry(ChangeAction.EXPERIMENT_STOPPED, experiment(status));
      expect(runningExperimentKeyOf(stopped, 'config-1')).toBeNull();
    }
    expect(runningExperimentKeyOf(null, 'config-1')).toBeNull();
  });
});
