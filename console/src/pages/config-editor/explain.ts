export interface ExplainStepLike {
  kind: string;
  path: string;
  ruleId?: string | null;
  variant?: string | null;
  attribute?: string | null;
  operator?: string | null;
  actual?: unknown;
  outcome: boolean;
  detail?: string | null;
}

export interface ExplainLine {
  depth: number;
  text: string;
  outcome: boolean;
}

/** Nesting depth from the step's path: `targetingRules[0].condition.all[1]` is 2 below its rule. */
function depthOf(path: string): number {
  const parts = path.split('.').filter((p) => p !== 'condition');
  return Math.max(0, parts.length - 1);
}

/** The explain steps as indented sentences a person reads top to bottom. */
export function explainLines(steps: readonly ExplainStepLike[]): ExplainLine[] {
  return steps.map((step) => {
    let text: string;
    switch (step.kind) {
      case 'RULE':
        text = `Rule ${step.ruleId ?? step.path}`;
        break;
      case 'ALL':
        text = 'All of';
        break;
      case 'ANY':
        text = 'Any of';
        break;
      case 'CONDITION':
        text = `${step.attribute ?? '?'} ${step.operator ?? ''} — actual ${step.actual === undefined ? 'missing' : JSON.stringify(step.actual)}`;
        break;
      case 'ROLLOUT':
        text = 'Rollout';
        break;
      case 'EXPERIMENT':
        text = 'Experiment';
        break;
      case 'DEPLOYMENT':
        text = 'Deployment: the candidate state';
        break;
      case 'VARIANT':
        text = step.variant ? `Variant ${step.variant}` : 'Variant';
        break;
      case 'ARCHIVED':
        text = 'Archived: serves the default value';
        break;
      default:
        text = step.kind;
    }
    if (step.detail) text += ` (${step.detail})`;
    return { depth: depthOf(step.path), text, outcome: step.outcome };
  });
}
