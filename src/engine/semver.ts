import { SemVer } from 'semver';

const LOOSE =
  /^[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * A version string read loosely: a leading `v`/`V`, and a missing minor or patch read as 0
 * (`v1.2` = `1.2.0`); pre-release and build parts are kept. A number or any other string is
 * no version (null): the semver operators treat it as a type mismatch.
 */
export function parseLooseSemver(input: unknown): SemVer | null {
  if (typeof input !== 'string' || input.length > 256) return null;
  const match = LOOSE.exec(input);
  if (!match) return null;
  const [, major, minor = '0', patch = '0', pre = '', build = ''] = match;
  try {
    return new SemVer(`${major}.${minor}.${patch}${pre}${build}`);
  } catch {
    return null;
  }
}
