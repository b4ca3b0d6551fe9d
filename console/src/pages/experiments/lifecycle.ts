import type { ExperimentStatus } from '../../api/gql/graphql';

export type LifecycleAction = 'start' | 'pause' | 'resume' | 'complete' | 'archive' | 'delete';

/** The lifecycle actions each status allows, as the server's rules have them. */
export const ACTIONS_BY_STATUS: Record<ExperimentStatus, LifecycleAction[]> = {
  DRAFT: ['start', 'archive', 'delete'],
  RUNNING: ['pause', 'complete'],
  PAUSED: ['resume', 'complete'],
  COMPLETED: ['archive'],
  ARCHIVED: [],
};

export const ACTION_LABELS: Record<LifecycleAction, string> = {
  start: 'Start',
  pause: 'Pause',
  resume: 'Resume',
  complete: 'Complete',
  archive: 'Archive',
  delete: 'Delete draft',
};

/** What the confirmation dialog says happens. */
export function actionConsequence(action: LifecycleAction, configKey: string): string {
  switch (action) {
    case 'start':
      return `Subjects in the traffic start getting the variants' values of ${configKey} right away, and exposures and events are counted. Variants, weights and traffic are frozen while it runs; no other experiment can run on ${configKey} meanwhile.`;
    case 'pause':
      return `Everyone gets the usual value of ${configKey} again, and events stop counting until you resume. Assignments are kept.`;
    case 'resume':
      return `Subjects in the traffic get their variants' values of ${configKey} again, with the same assignments, and events count again.`;
    case 'complete':
      return `The experiment ends for good: everyone gets the usual value of ${configKey}. You may name a winner and make its value the config's value (a new config version).`;
    case 'archive':
      return 'The experiment leaves the active list; its record and results are kept. This cannot be undone.';
    case 'delete':
      return 'The draft is deleted for good. This cannot be undone.';
  }
}
