import type { Format } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats';
import { RE2 } from 're2-wasm';
import { compileRe2 } from './regex';

/**
 * ajv-formats checks most formats with JavaScript regexes, run on the value being saved; some
 * backtrack (`email` is quadratic: 35 ms at 20 KB, seconds at the 256 KB a value may hold).
 * Every format that is a regex runs here on RE2 instead, rewritten where it used lookaround,
 * which RE2 does not have. The rest keep ajv-formats' functions: `date`, `time`, `date-time`,
 * `iso-time`, `iso-date-time` use short regexes without nested or overlapping repetition.
 */
interface Pattern {
  test(value: string): boolean;
}

/**
 * Compiled on first use: RE2 takes long to build some of these (`uri-reference` the most),
 * which would slow every start for formats most deployments never check.
 */
function re2(pattern: RegExp | string, flags = ''): Pattern {
  const source = typeof pattern === 'string' ? pattern : pattern.source;
  const own = typeof pattern === 'string' ? flags : pattern.flags.replace(/[gmu]/g, '');
  let compiled: RE2 | undefined;
  return { test: (value) => (compiled ??= new RE2(source, `${own}u`)).test(value) };
}

function matcher(rx: Pattern): (value: string) => boolean {
  return (value) => rx.test(value);
}

/** `P(?!$)` and `T(?=\d)`: not a bare `P`, and a `T` followed by at least one time part. */
const DURATION = re2(
  String.raw`^P(?:(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?:\d+H(?:\d+M)?(?:\d+S)?|\d+M(?:\d+S)?|\d+S))?|(?:\d+W)?)$`,
);

/** The lookahead `(?=.{1,253}\.?$)` is a length check. */
const HOSTNAME = re2(
  String.raw`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\.?$`,
  'i',
);

function hostname(value: string): boolean {
  const length = value.length - (value.endsWith('.') ? 1 : 0);
  return length >= 1 && length <= 253 && HOSTNAME.test(value);
}

/**
 * ajv-formats' `url` without its three lookaheads, which refuse private IPv4 hosts; that
 * refusal is a second pattern on the host position.
 */
const URL_SHAPE = re2(
  (fullFormats.url as RegExp).source.replace(/\(\?!(?:[^()]|\([^()]*\))*\)/g, ''),
  'i',
);
const PRIVATE_URL_HOST = re2(
  String.raw`^(?:https?|ftp)://(?:\S+(?::\S*)?@)?(?:(?:10|127)(?:\.\d{1,3}){3}|(?:169\.254|192\.168)(?:\.\d{1,3}){2}|172\.(?:1[6-9]|2\d|3[0-1])(?:\.\d{1,3}){2})`,
  'i',
);

function url(value: string): boolean {
  return URL_SHAPE.test(value) && !PRIVATE_URL_HOST.test(value);
}

/** ajv-formats' `uri` is a function around this pattern (RFC 3986), which it does not export. */
const URI = re2(
  String.raw`^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\?(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$`,
  'i',
);

function uri(value: string): boolean {
  return (value.includes('/') || value.includes(':')) && URI.test(value);
}

const BYTE = re2(String.raw`^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$`);

/** A `regex` value is a pattern for this product, which runs patterns on RE2. */
function regex(value: string): boolean {
  return !(compileRe2(value) instanceof Error);
}

/** Keeps ajv-formats' `compare` (for formatMinimum and the like) where it has one. */
function withCompare(name: string, validate: (value: string) => boolean): Format {
  const original: unknown = fullFormats[name as keyof typeof fullFormats];
  if (typeof original === 'object' && original !== null && 'compare' in original)
    return { ...(original as object), validate } as Format;
  return validate;
}

/** Formats whose ajv-formats definition runs a regex, on RE2. */
export function re2Formats(): Record<string, Format> {
  const formats: Record<string, (value: string) => boolean> = {
    duration: (value) => value !== 'P' && DURATION.test(value),
    hostname,
    url,
    uri,
    byte: matcher(BYTE),
    regex,
  };
  for (const [name, format] of Object.entries(fullFormats)) {
    if (format instanceof RegExp && !(name in formats)) formats[name] = matcher(re2(format));
  }
  return Object.fromEntries(
    Object.entries(formats).map(([name, validate]) => [name, withCompare(name, validate)]),
  );
}
