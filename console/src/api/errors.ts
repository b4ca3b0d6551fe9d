import type { CombinedError } from 'urql';

export interface FieldError {
  path: string;
  rule: string;
  message: string;
}

export interface ProblemDescription {
  code: string;
  /** What went wrong and what to do about it, in one or two sentences. */
  message: string;
  validationErrors: FieldError[];
  /** CONFLICT: the version stored now, when the server says. */
  currentVersion?: number;
  /** CONFLICT: the deployment or experiment that holds the config, when one refused the write. */
  heldBy?: { deploymentId?: string; experimentKey?: string };
}

const ADVICE: Record<string, string> = {
  UNAUTHENTICATED: 'Your API key was refused. Sign in again with a valid key.',
  FORBIDDEN:
    "Your API key's roles or environment do not allow this. Ask an admin for a key that does.",
  NOT_FOUND: 'It no longer exists; it may have been deleted. Go back to the list and reload.',
  RATE_LIMITED: 'Too many requests. Wait a few seconds, then try again.',
  SERVICE_UNAVAILABLE:
    'The service cannot reach its database or cache right now. Try again in a few seconds.',
  INTERNAL_SERVER_ERROR:
    'The server failed unexpectedly. Try again; if it keeps failing, check the server log.',
  APPROVAL_REQUIRED: 'This change needs an approval before it is applied.',
};

interface GraphQLErrorLike {
  message: string;
  extensions?: Record<string, unknown>;
}

function isFieldError(value: unknown): value is FieldError {
  const v = value as FieldError;
  return typeof v?.path === 'string' && typeof v?.message === 'string';
}

/** Turns a GraphQL or network failure into a message that says what to do next. */
export function describeProblem(
  error: Pick<CombinedError, 'networkError' | 'graphQLErrors'>,
): ProblemDescription {
  const first = error.graphQLErrors[0] as GraphQLErrorLike | undefined;
  if (!first) {
    return {
      code: 'NETWORK_ERROR',
      message: 'Cannot reach the server. Check that it is running and your connection, then retry.',
      validationErrors: [],
    };
  }
  const code = typeof first.extensions?.code === 'string' ? first.extensions.code : 'UNKNOWN';
  const raw = first.extensions?.validationErrors;
  const validationErrors = Array.isArray(raw) ? raw.filter(isFieldError) : [];
  const version = first.extensions?.currentVersion;
  const heldBy = code === 'CONFLICT' ? holder(first.extensions ?? {}) : undefined;
  const advice = ADVICE[code];
  let message = first.message;
  if (code === 'BAD_USER_INPUT' && validationErrors.length > 0) {
    message = `${validationErrors.length === 1 ? 'One field needs' : `${validationErrors.length} fields need`} fixing: ${validationErrors.map((e) => e.message).join('; ')}`;
  } else if (heldBy) {
    // The server names the deployment or experiment and what frees the config.
    message = `${first.message}.`;
  } else if (code === 'CONFLICT' && typeof first.extensions?.status === 'string') {
    // A deployment or experiment that moved on (another person, a step, a guard).
    message = `${first.message}. It changed meanwhile: check its current state, then try again.`;
  } else if (code === 'CONFLICT') {
    message = `${first.message}. Someone else changed it meanwhile: review their version, then reapply your edit.`;
  } else if (advice) {
    message = code === 'INTERNAL_SERVER_ERROR' ? advice : `${first.message}. ${advice}`;
  }
  return {
    code,
    message,
    validationErrors,
    currentVersion: typeof version === 'number' ? version : undefined,
    ...(heldBy && { heldBy }),
  };
}

/** The active deployment or running experiment a CONFLICT names, if it names one. */
function holder(extensions: Record<string, unknown>): ProblemDescription['heldBy'] | undefined {
  const { deploymentId, experimentKey } = extensions;
  if (typeof deploymentId === 'string') return { deploymentId };
  if (typeof experimentKey === 'string') return { experimentKey };
  return undefined;
}
