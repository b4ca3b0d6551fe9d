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
