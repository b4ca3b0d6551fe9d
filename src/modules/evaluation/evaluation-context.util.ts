import { AppError } from '../../core/errors/app-error';
import { isPlainObject } from '../../engine/validate/issues';

/**
 * The check every evaluation's context gets beyond the input checks all arguments get
 * (well-formed Unicode, depth and size): it must be a JSON object.
 */
export function assertContextObject(
  context: unknown,
  path = 'context',
): asserts context is Record<string, unknown> {
  if (isPlainObject(context)) return;
  throw AppError.badInput(`${path} must be an object`, [
    {
      path,
      rule: 'type',
      message: `${path} must be a JSON object such as {"user": {"id": "42"}}`,
    },
  ]);
}
