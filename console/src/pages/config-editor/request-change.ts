import type { FieldError } from '../../api/errors';
import type { RequestConfigChangeInput } from '../../api/gql/graphql';
import { applyAtFrom } from '../approvals/approval-text';
import { toInput, type ConfigDraft } from './draft';

/**
 * requestConfigChange's input for the editor's draft: a CREATE with every field of a new
 * config, or an UPDATE with the changed fields over the version the edit started from.
 */
export function changeRequestInput(
  environment: string,
  draft: ConfigDraft,
  base: { draft: ConfigDraft; version: number } | null,
  comment: string,
  applyAtLocal: string,
): RequestConfigChangeInput {
  const { key: _key, ...config } = toInput(draft, base?.draft ?? null);
  const applyAt = applyAtFrom(applyAtLocal);
  return {
    environment,
    key: draft.key,
    kind: base ? 'UPDATE' : 'CREATE',
    config: config as RequestConfigChangeInput['config'],
    ...(base ? { expectedVersion: base.version } : {}),
    ...(comment ? { comment } : {}),
    ...(applyAt ? { applyAt } : {}),
  };
}

/** A request's validation errors where the editor shows a save's: `input.config.value` is `value`. */
export function asSaveErrors(errors: readonly FieldError[]): FieldError[] {
  return errors.map((error) => ({ ...error, path: error.path.replace(/^input\.config\./, '') }));
}
