/**
 * HyperLogLog sketches in Redis's own format (src/hyperloglog.c): precision 14 (16,384 six-bit
 * registers, about 0.81% standard error), MurmurHash64A with seed 0xadc83b19, the "HYLL"
 * string in its sparse or dense encoding, and Redis's estimator (Ertl's improved one, Redis
 * 5 and later). A sketch built here and SET into Redis answers PFCOUNT exactly as if its ids
 * had been PFADDed, and a Redis key read with GET decodes here: one storage format for Redis,
 * the in-process sketches and PostgreSQL.
 */

export const HLL_P = 14;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_Q = 64 - HLL_P;
const REGISTER_MASK = HLL_REGISTERS - 1;
const HEADER_BYTES = 16;
const DENSE_BYTES = HEADER_BYTES + (HLL_REGISTERS * 6) / 8;
const DENSE = 0;
const SPARSE = 1;
/** Redis's hll-sparse-max-bytes default: a longer sparse string is written dense. */
const SPARSE_MAX_BYTES = 3000;
const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
const ALPHA_INF = 0.7213475204444817;
/** Registers set kept in a map before a sketch switches to a register array. */
const SPARSE_IN_MEMORY_MAX = 256;

const SEED = 0xadc83b19;
const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;

// The 64-bit product of the last mul() and the last hash, as unsigned 32-bit halves: typed
// array slots, so no number is boxed per id.
const scratch = new Uint32Array(4);
const PRODUCT_HI = 0;
const PRODUCT_LO = 1;
const HASH_HI = 2;
const HASH_LO = 3;

function mul(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  scratch[PRODUCT_LO] = ((mid & 0xffff) << 16) | (p00 & 0xffff);
  const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  scratch[PRODUCT_HI] = carry + Math.imul(aHi, bLo) + Math.imul(aLo, bHi);
}

/** MurmurHash64A (as Redis has it) of the first `len` bytes, into scratch[HASH_HI, HASH_LO]. */
function murmur(data: Uint8Array, len: number): void {
  mul(0, len, M_HI, M_LO);
  let hHi = scratch[PRODUCT_HI];
  let hLo = (scratch[PRODUCT_LO] ^ SEED) >>> 0;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    const kLo = (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)) >>> 0;
    const kHi =
      (data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24)) >>> 0;
    mul(kHi, kLo, M_HI, M_LO);
    const k1Hi = scratch[PRODUCT_HI];
    const k1Lo = (scratch[PRODUCT_LO] ^ (k1Hi >>> 15)) >>> 0;
    mul(k1Hi, k1Lo, M_HI, M_LO);
    mul((hHi ^ scratch[PRODUCT_HI]) >>> 0, (hLo ^ scratch[PRODUCT_LO]) >>> 0, M_HI, M_LO);
    hHi = scratch[PRODUCT_HI];
    hLo = scratch[PRODUCT_LO];
  }
  const rest = len & 7;
  if (rest > 0) {
    let tailHi = 0;
    let tailLo = 0;
    for (let j = rest - 1; j >= 0; j--) {
      const byte = data[blocks + j];
      if (j >= 4) tailHi |= byte << ((j - 4) * 8);
      else tailLo |= byte << (j * 8);
    }
    mul((hHi ^ tailHi) >>> 0, (hLo ^ tailLo) >>> 0, M_HI, M_LO);
    hHi = scratch[PRODUCT_HI];
    hLo = scratch[PRODUCT_LO];
  }
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  mul(hHi, hLo, M_HI, M_LO);
  scratch[HASH_HI] = scratch[PRODUCT_HI];
  scratch[HASH_LO] = scratch[PRODUCT_LO] ^ (scratch[PRODUCT_HI] >>> 15);
}

/** MurmurHash64A (as Redis has it) of the bytes, as [high, low] unsigned 32-bit halves. */
export function murmurHash64A(data: Uint8Array): [number, number] {
  murmur(data, data.length);
  return [scratch[HASH_HI], scratch[HASH_LO]];
}

/** An id's bytes when it is ASCII (most are), copied without an encoder. */
let asciiBytes = new Uint8Array(256);

/** Copies an ASCII id into asciiBytes; false when it is not ASCII. */
function copyAscii(text: string): boolean {
  if (text.length > asciiBytes.length) asciiBytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return false;
    asciiBytes[i] = code;
  }
  return true;
}

function trailingZeros(x: number): number {
  return 31 - Math.clz32(x & -x);
}

const encoder = new TextEncoder();

/**
 * The register update an id makes, packed as `index * 64 + rank`: hash an id once and apply
 * the number to as many sketches as it belongs in. Ids are hashed as UTF-8, as PFADD sees them.
 */
export function hllUpdateOf(id: string): number {
  if (copyAscii(id)) {
    murmur(asciiBytes, id.length);
  } else {
    const bytes = encoder.encode(id);
    murmur(bytes, bytes.length);
  }
  const hi = scratch[HASH_HI];
  const lo = scratch[HASH_LO];
  const index = lo & REGISTER_MASK;
  // The rank is the position of the first 1 in the hash's bits above the index (Redis sets
  // bit HLL_Q of the shifted hash, so it is at most HLL_Q + 1).
  const low = ((lo >>> HLL_P) | (hi << (32 - HLL_P))) >>> 0;
  const high = hi >>> HLL_P;
  const rank =
    low !== 0 ? trailingZeros(low) + 1 : high !== 0 ? 32 + trailingZeros(high) + 1 : HLL_Q + 1;
  return index * 64 + rank;
}

/**
 * A sketch: a map of the registers set while few are, a 16 KiB register array after. Adding
 * the same update twice, or merging twice, changes nothing (registers only grow to a max).
 */
export class HyperLogLog {
  private sparse?: Map<number, number> = new Map();
  private dense?: Uint8Array;

  /** Applies an update from hllUpdateOf. */
  add(update: number): void {
    const index = update >>> 6;
    const rank = update & 63;
    if (this.dense) {
      if (this.dense[index] < rank) this.dense[index] = rank;
      return;
    }
    const sparse = this.sparse!;
    const current = sparse.get(index);
    if (current === undefined || current < rank) {
      sparse.set(index, rank);
      if (sparse.size > SPARSE_IN_MEMORY_MAX) this.toDense();
    }
  }

  addId(id: string): void {
    this.add(hllUpdateOf(id));
  }

  /** Register-wise max with another sketch. */
  merge(other: HyperLogLog): this {
    if (other.dense) {
      this.toDense();
      const registers = this.dense!;
      const theirs = other.dense;
      for (let i = 0; i < HLL_REGISTERS; i++)
        if (registers[i] < theirs[i]) registers[i] = theirs[i];
    } else {
      for (const [index, rank] of other.sparse!) this.add(index * 64 + rank);
    }
    return this;
  }

  get isEmpty(): boolean {
    return this.sparse !== undefined && this.sparse.size === 0;
  }

  /** The registers (a copy when the sketch is sparse). */
  registers(): Uint8Array {
    if (this.dense) return this.dense;
    const registers = new Uint8Array(HLL_REGISTERS);
    for (const [index, rank] of this.sparse!) registers[index] = rank;
    return registers;
  }

  /** Redis's estimate of the distinct ids added (what PFCOUNT answers). */
  count(): number {
    const m = HLL_REGISTERS;
    const histogram = new Int32Array(64);
    if (this.dense) {
      const registers = this.dense;
      for (let i = 0; i < m; i++) histogram[registers[i]]++;
    } else {
      histogram[0] = m - this.sparse!.size;
      for (const rank of this.sparse!.values()) histogram[rank]++;
    }
    let z = m * tau((m - histogram[HLL_Q + 1]) / m);
    for (let j = HLL_Q; j >= 1; j--) {
      z += histogram[j];
      z *= 0.5;
    }
    z += m * sigma(histogram[0] / m);
    return Math.round((ALPHA_INF * m * m) / z);
  }

  /**
   * The Redis string: sparse when every register is at most 32 and it fits Redis's
   * hll-sparse-max-bytes, else dense. The cached cardinality is marked stale, so Redis
   * computes PFCOUNT itself.
   */
  toRedis(): Buffer {
    return this.toSparseRedis() ?? this.toDenseRedis();
  }

  static fromRedis(bytes: Uint8Array): HyperLogLog {
    return new HyperLogLog().mergeRedis(bytes);
  }

  /**
   * Merges a sketch stored in Redis's format (register-wise max) straight from its bytes,
   * without building it first: what readers of many stored sketches do.
   */
  mergeRedis(bytes: Uint8Array): this {
    if (
      bytes.length < HEADER_BYTES ||
      bytes[0] !== 0x48 || // H
      bytes[1] !== 0x59 || // Y
      bytes[2] !== 0x4c || // L
      bytes[3] !== 0x4c // L
    ) {
      throw new Error('not a HyperLogLog string (no HYLL header)');
    }
    if (bytes[4] === DENSE) {
      if (bytes.length !== DENSE_BYTES) throw new Error('dense HyperLogLog of the wrong length');
      this.toDense();
      const registers = this.dense!;
      // Four six-bit registers in every three bytes, least significant bits first.
      for (let i = 0, p = HEADER_BYTES; i < HLL_REGISTERS; i += 4, p += 3) {
        const b0 = bytes[p];
        const b1 = bytes[p + 1];
        const b2 = bytes[p + 2];
        const r0 = b0 & 63;
        const r1 = ((b0 >>> 6) | (b1 << 2)) & 63;
        const r2 = ((b1 >>> 4) | (b2 << 4)) & 63;
        const r3 = b2 >>> 2;
        if (registers[i] < r0) registers[i] = r0;
        if (registers[i + 1] < r1) registers[i + 1] = r1;
        if (registers[i + 2] < r2) registers[i + 2] = r2;
        if (registers[i + 3] < r3) registers[i + 3] = r3;
      }
      return this;
    }
    if (bytes[4] !== SPARSE) throw new Error(`unknown HyperLogLog encoding ${bytes[4]}`);
    let index = 0;
    for (let p = HEADER_BYTES; p < bytes.length; p++) {
      const op = bytes[p];
      if ((op & 0xc0) === 0) {
        index += (op & 0x3f) + 1;
      } else if ((op & 0xc0) === 0x40) {
        index += (((op & 0x3f) << 8) | bytes[++p]) + 1;
      } else {
        const value = ((op >>> 2) & 0x1f) + 1;
        const run = (op & 3) + 1;
        if (index + run > HLL_REGISTERS) {
          index += run;
          break;
        }
        for (let i = 0; i < run; i++) this.add((index + i) * 64 + value);
        index += run;
      }
      if (index > HLL_REGISTERS) break;
    }
    if (index > HLL_REGISTERS) throw new Error('sparse HyperLogLog runs past its registers');
    if (index !== HLL_REGISTERS) throw new Error('sparse HyperLogLog does not cover its registers');
    return this;
  }

  private toDense(): void {
    if (this.dense) return;
    this.dense = this.registers();
    this.sparse = undefined;
  }

  private toSparseRedis(): Buffer | undefined {
    const out: number[] = [];
    const registers = this.registers();
    let i = 0;
    while (i < HLL_REGISTERS) {
      const value = registers[i];
      let run = 1;
      while (i + run < HLL_REGISTERS && registers[i + run] === value) run++;
      i += run;
      if (value === 0) {
        while (run > 0) {
          if (run > SPARSE_ZERO_MAX_LEN) {
            const len = Math.min(run, SPARSE_XZERO_MAX_LEN);
            out.push(0x40 | ((len - 1) >>> 8), (len - 1) & 0xff);
            run -= len;
          } else {
            out.push(run - 1);
            run = 0;
          }
        }
      } else {
        if (value > SPARSE_VAL_MAX_VALUE) return undefined;
        while (run > 0) {
          const len = Math.min(run, SPARSE_VAL_MAX_LEN);
          out.push(0x80 | ((value - 1) << 2) | (len - 1));
          run -= len;
        }
      }
      if (out.length > SPARSE_MAX_BYTES - HEADER_BYTES) return undefined;
    }
    const bytes = Buffer.alloc(HEADER_BYTES + out.length);
    writeHeader(bytes, SPARSE);
    bytes.set(out, HEADER_BYTES);
    return bytes;
  }

  private toDenseRedis(): Buffer {
    const registers = this.registers();
    const bytes = Buffer.alloc(DENSE_BYTES);
    writeHeader(bytes, DENSE);
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const value = registers[i];
      if (value === 0) continue;
      const bit = i * 6;
      const byte = HEADER_BYTES + (bit >>> 3);
      const shift = bit & 7;
      bytes[byte] |= (value << shift) & 0xff;
      if (shift > 2) bytes[byte + 1] |= value >>> (8 - shift);
    }
    return bytes;
  }
}

function writeHeader(bytes: Buffer, encoding: number): void {
  bytes.write('HYLL', 0, 'latin1');
  bytes[4] = encoding;
  // Cached cardinality: the top bit of its last byte marks it stale.
  bytes[15] = 0x80;
}

/** Redis's hllSigma. */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous !== z);
  return z;
}

/** Redis's hllTau. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    z -= Math.pow(1 - x, 2) * y;
  } while (previous !== z);
  return z / 3;
}
