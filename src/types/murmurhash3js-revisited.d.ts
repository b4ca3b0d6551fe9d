declare module 'murmurhash3js-revisited' {
  export const x86: {
    /** MurmurHash3 x86 32-bit over bytes; an unsigned 32-bit integer. */
    hash32(bytes: Uint8Array, seed?: number): number;
  };
}
