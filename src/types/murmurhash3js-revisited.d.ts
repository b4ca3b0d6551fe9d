declare module 'murmurhash3js-revisited' {
  const murmur: {
    x86: {
      /** MurmurHash3 x86 32-bit over bytes; an unsigned 32-bit integer. */
      hash32(bytes: Uint8Array, seed?: number): number;
    };
    /** When true (the default) every byte is checked to be an integer 0-255 before hashing. */
    inputValidation: boolean;
  };
  export default murmur;
}
