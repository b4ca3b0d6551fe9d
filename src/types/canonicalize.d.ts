declare module 'canonicalize' {
  /** RFC 8785 JSON Canonicalization Scheme. */
  export default function canonicalize(input: unknown): string | undefined;
}
