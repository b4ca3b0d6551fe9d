/**
 * The pub/sub channel on which a changed environment's id is published after commit, so
 * every instance reloads what it holds of the environment's settings (fetch-log sampling).
 * Best effort: a reader that can miss a message (Redis down) also reloads on a slow timer.
 */
export const ENVIRONMENT_CHANGED_CHANNEL = 'environments.changed';

export interface EnvironmentChangedMessage {
  environmentId: string;
}
