// Address split of the shared I$ (README "Geometry and address split"): addr[3:0] ignored, addr[6:4] = bank (8
// line-interleaved TAG/DATA arrays), then the set inside a bank, then the reduced tag. With USE_REDUCED_TAG the
// tag keeps log2(L2_SIZE / CACHE_SIZE) + log2(NB_WAYS) - 1 bits, so addresses equal in bits tagMsb..4 alias.
import type { IcacheConfig } from '../config/index.ts';

/** pulp_cluster's L2_SIZE parameter of the I$ (512 KB): the window the reduced tag covers. */
export const ICACHE_L2_WINDOW = 512 * 1024;
/** NB_CACHE_BANKS: fixed by the 8 core read ports and addr[6:4]. */
export const ICACHE_BANKS = 8;
/** NB_CORES of the cache's fetch side in the GAP-8 cluster: 8 ports, also when fewer cores are fitted (their ports
 *  tied idle), so that a 1..8-core cluster has the measured cache. */
export const ICACHE_PORTS = 8;
/** Most fetch ports a cache can have: the core IDs (one-hot, plus the prefetcher's bit) stay within 32-bit signals
 *  and the 4-bit AXI ID of a bypass fetch (the requesting core's index). */
export const ICACHE_MAX_PORTS = 16;

/** Fetch ports of the cache in front of `cores` cores: the GAP-8 cache's 8, or one per core above that. */
export function icachePorts(cores: number): number {
  return Math.max(ICACHE_PORTS, cores);
}

/** Checks a fetch port count (a power of two from 8 to ICACHE_MAX_PORTS); returns it. */
export function checkIcachePorts(ports: number): number {
  if (!Number.isInteger(ports) || ports < ICACHE_PORTS || ports > ICACHE_MAX_PORTS || (ports & (ports - 1)) !== 0) {
    throw new RangeError(`icache: fetch ports must be a power of two from ${ICACHE_PORTS} to ${ICACHE_MAX_PORTS} (one per core), got ${ports}`);
  }
  return ports;
}
/** 128-bit lines as 32-bit words. */
export const LINE_WORDS = 4;
/** Slots of the refill CAM (merge_refill_cam_128_16) and entries of the bypass tracking FIFO. */
export const CAM_SLOTS = 16;

export interface IcacheGeometry {
  readonly ways: number;
  readonly setsPerBank: number;
  readonly setBits: number;
  /** Rows over all banks (bank * setsPerBank + set). */
  readonly rows: number;
  /** Tag bits without the valid bit. */
  readonly tagBits: number;
  /** Lowest address bit of the tag (= 7 + setBits). */
  readonly tagLsb: number;
}

function log2(x: number): number {
  return Math.round(Math.log2(x));
}

export function icacheGeometry(c: Pick<IcacheConfig, 'sizeBytes' | 'ways'>): IcacheGeometry {
  const setsPerBank = c.sizeBytes / (ICACHE_BANKS * c.ways * 16);
  const setBits = log2(setsPerBank);
  return {
    ways: c.ways,
    setsPerBank,
    setBits,
    rows: ICACHE_BANKS * setsPerBank,
    tagBits: log2(ICACHE_L2_WINDOW / c.sizeBytes) + log2(c.ways) - 1,
    tagLsb: 7 + setBits,
  };
}

export const bankOf = (addr: number): number => (addr >>> 4) & 7;
export const setOf = (g: IcacheGeometry, addr: number): number => (addr >>> 7) & (g.setsPerBank - 1);
export const tagOf = (g: IcacheGeometry, addr: number): number => (addr >>> g.tagLsb) & ((1 << g.tagBits) - 1);
