import { Role } from './role';

/** Who is calling: resolved from the bearer token once per request or connection. */
export interface Actor {
  kind: 'api_key';
  id: string;
  name: string;
  roles: Role[];
  /** Set when the key may act in this one environment only. */
  environmentId: string | null;
}

/** Who made a change: an API key, or the system (deployment steps, guards) by name. */
export interface ChangeAuthor {
  id: string | null;
  name: string;
  kind: 'api_key' | 'system';
}

/** A system writer, exempt from approvals by name (DESIGN.md, "Writers"). */
export function systemAuthor(name: string): ChangeAuthor {
  return { id: null, name, kind: 'system' };
}
