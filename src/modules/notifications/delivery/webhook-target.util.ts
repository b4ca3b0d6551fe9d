import * as ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';

/** Why a webhook target is refused; `rule` names the check for validationErrors. */
export interface TargetRefusal {
  rule: string;
  message: string;
}

const RANGE_NAMES: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
  private: 'private',
  reserved: 'reserved',
  uniqueLocal: 'unique-local (fc00::/7)',
  ipv4Mapped: 'IPv4-mapped IPv6',
};

const ALLOW_HINT = 'set ALLOW_PRIVATE_WEBHOOKS=true to allow private targets';

/**
 * Why a webhook may not connect to this address, or null when it may: only public unicast
 * addresses pass. Everything else ipaddr.js classifies (private, loopback, link-local,
 * CGNAT, unique-local, IPv4-mapped and the other IPv6 forms that embed an IPv4 address,
 * unspecified, multicast, reserved) is refused.
 */
export function addressRefusal(address: string): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return `${address} is not an IP address`;
  }
  const range = parsed.range();
  if (range === 'unicast') return null;
  return `${address} is a ${RANGE_NAMES[range] ?? range} address (${ALLOW_HINT})`;
}

/** The host exactly as written in the URL, before the URL parser normalises it. */
function writtenHost(raw: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(raw)?.[1];
}

/**
 * What is wrong with a webhook URL before any DNS lookup: not http(s), plain http without
 * ALLOW_PRIVATE_WEBHOOKS, an IPv4 address written in a decimal, octal or hex form (always:
 * they exist to slip past filters), and, without the flag, an IP literal or `localhost`
 * outside public unicast space. Hostnames are checked where they resolve (guardedLookup).
 */
export function webhookUrlRefusal(raw: string, allowPrivate: boolean): TargetRefusal | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { rule: 'url', message: 'must be an absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { rule: 'https', message: 'must be an https:// URL' };
  }
  if (url.protocol === 'http:' && !allowPrivate) {
    return { rule: 'https', message: `must be an https:// URL (${ALLOW_HINT} and plain http)` };
  }
  const host = url.hostname;
  if (isIP(host) === 4 && writtenHost(raw)?.toLowerCase() !== host) {
    return {
      rule: 'hostForm',
      message: `write the IPv4 address as four decimal numbers (${host}), not in another form`,
    };
  }
  if (allowPrivate) return null;
  const literal = host.startsWith('[') ? host.slice(1, -1) : host;
  if (isIP(literal)) {
    const refusal = addressRefusal(literal);
    return refusal ? { rule: 'privateAddress', message: refusal } : null;
  }
  const name = host.replace(/\.$/, '').toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) {
    return { rule: 'privateAddress', message: `${host} is a loopback name (${ALLOW_HINT})` };
  }
  return null;
}

/**
 * `webhookUrlRefusal`, and what a URL may not hold when it is saved: a user name or password
 * (the URL is listed to anyone who may read endpoints, and logged with each delivery), or
 * port 0. Checked on save only, so endpoints saved before these rules still deliver.
 */
export function savedWebhookUrlRefusal(raw: string, allowPrivate: boolean): TargetRefusal | null {
  const refusal = webhookUrlRefusal(raw, allowPrivate);
  if (refusal) return refusal;
  const url = new URL(raw);
  if (url.username !== '' || url.password !== '') {
    return {
      rule: 'credentials',
      message: 'must not hold a user name or password (deliveries are signed with the secret)',
    };
  }
  if (url.port === '0') return { rule: 'port', message: 'must name a port from 1 to 65535' };
  return null;
}

/** Raised by the guarded lookup: the socket never connects to a refused address. */
export class RefusedAddressError extends Error {
  override readonly name = 'RefusedAddressError';
  readonly code = 'EREFUSEDADDRESS';
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | ResolvedAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http(s) requests that checks every address a hostname resolves to, at
 * the moment the socket connects: a DNS answer that changed since the URL was validated
 * (rebinding) is checked too, and the socket only ever gets the addresses checked here.
 */
export function guardedLookup(resolve: (hostname: string) => Promise<ResolvedAddress[]>) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    resolve(hostname).then(
      (addresses) => {
        const refused = addresses.map((a) => addressRefusal(a.address)).find(Boolean);
        if (refused) return callback(new RefusedAddressError(`${hostname}: ${refused}`), '');
        if (addresses.length === 0) {
          return callback(new RefusedAddressError(`${hostname} resolved to no address`), '');
        }
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}
