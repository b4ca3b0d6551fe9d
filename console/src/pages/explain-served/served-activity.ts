import type { ExplainServedQuery } from '../../api/gql/graphql';

type Answer = ExplainServedQuery['explainServed'];
export type ServedDeployment = NonNullable<Answer['deployment']>;
export type ServedExperiment = NonNullable<Answer['experiment']>;

/** How a time is shown: the reader's local time unless a test says otherwise. */
type FormatTime = (iso: string) => string;
const localTime: FormatTime = (iso) => new Date(iso).toLocaleString();

/** The deployment active at the time asked about: where it stood then. */
export function deploymentHeadline(deployment: ServedDeployment): string {
  const { deploymentId, status, step, percentage } = deployment;
  const state = status === 'PAUSED' ? 'paused' : 'in progress';
  return `Deployment ${deploymentId.slice(0, 8)} was ${state} at step ${step + 1}, serving its candidate to ${percentage}% of subjects.`;
}

/** Which of the deployment's states this subject got, and why (evaluation step 4). */
export function deploymentOutcome(deployment: ServedDeployment): string {
  const { served, percentage, bucket, salt } = deployment;
  if (served === null) return 'A running experiment served this subject first.';
  const state = `the ${served === 'CANDIDATE' ? 'candidate' : 'stable'} state`;
  if (percentage >= 100) return `At 100% every subject got ${state}.`;
  if (percentage <= 0) return `At 0% no subject got the candidate: this one got ${state}.`;
  if (bucket === null) {
    return `The context has no stickiness value, so the subject stayed outside the split: it got ${state}.`;
  }
  const threshold = Math.round(percentage * 100);
  const side = served === 'CANDIDATE' ? 'below' : 'not below';
  return `Its bucket is ${bucket} of 10,000 (salt ${salt}), ${side} ${threshold}: it got ${state}.`;
}

/** The experiment running at the time asked about. */
export function experimentHeadline(experiment: ServedExperiment, format = localTime): string {
  const { name, key, assignment, change } = experiment;
  const label = name && name !== key ? `“${name}” (${key})` : `“${key}”`;
  const how = assignment ? `, ${assignment.toLowerCase()} assignment,` : '';
  return `Experiment ${label}${how} was running, since ${format(change.createdAt)}.`;
}

/** The variant this subject got, or why none (evaluation step 3). */
export function experimentOutcome(experiment: ServedExperiment, format = localTime): string {
  const { replayable, variant, assignment, assignedAt } = experiment;
  if (!replayable) {
    return 'Its record was deleted with its config, so which variant it served cannot be replayed: the value above is what subjects outside it got.';
  }
  if (variant !== null) {
    const stored = assignedAt ? `, stored for it at ${format(assignedAt)}` : '';
    return `It served this subject variant “${variant}”${stored}.`;
  }
  return assignment === 'RANDOM'
    ? 'No variant had been stored for this subject by then: it was not in the experiment.'
    : 'This subject was not in it: outside its traffic or its targeting (the steps below say which).';
}
