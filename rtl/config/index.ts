// Every microarchitectural parameter in one typed object, with presets. What-if experiments change this object,
// never the code. Later blocks add their parameters here.
import type { Flavour } from '../isa/types.ts';
import type { IsaSwitches } from '../isa/xpulpnn.ts';

/** One mapped region of the address space. */
export interface MemRegion {
  name: string;
  base: number;
  size: number;
  kind: 'ram' | 'rom' | 'periph';
}

/** Grant delay G and response delay R of an OBI-style port (see testbench/fixtures/timing/README.md). */
export interface PortTiming {
  grantDelay: number;
  responseDelay: number;
}

export type CoreVersion = 'cv32e40p' | 'ri5cy' | 'ri5cy_v1';

/** How conditional branches redirect the fetch: `rtl` decides them in EX (taken: IF and ID flushed, 3 cycles);
 *  `btfn` predicts backward branches taken and redirects them from ID like a jump (2 cycles), forward ones not
 *  taken, and flushes from EX on a wrong guess (backward not taken, forward taken: 3 cycles). */
export type BranchHandling = 'rtl' | 'btfn';

/**
 * What-if timing of the core's pipeline. The presets hold the RTL's values (fact sheet §1.3, §1.4), which every
 * timing fixture was measured with; other values change the timing only, never the results.
 */
export interface CoreTiming {
  branch: BranchHandling;
  /** Stall cycles of an instruction using a load's result right behind it, with the data one cycle after the
   *  grant (RTL 1). 0: the loaded value is forwarded into EX without a bubble (to the ALU, the multiplier and
   *  the branch decision; a load or store using it for its address or data, an lp.* set-up and a jalr keep the
   *  RTL's wait); each step above 1 keeps the value from its users one more cycle after it arrived. */
  loadUseCycles: number;
  /** Cycles in EX of mul, p.mac/msu, the 16-bit multiplies and the dot products (RTL 1). */
  mulCycles: number;
  /** Cycles in EX of mulh/mulhsu/mulhu: the length of riscv_mult.sv's MULH FSM (RTL 5). */
  mulhCycles: number;
  /** Cycles in EX of div/divu/rem/remu: 0 = the RTL's serial divider, 3..35 cycles by the divisor's leading
   *  bits; otherwise every division takes this many. */
  divCycles: number;
}

/** The RTL's timing (every preset's). */
export const rtlCoreTiming: Readonly<CoreTiming> = { branch: 'rtl', loadUseCycles: 1, mulCycles: 1, mulhCycles: 5, divCycles: 0 };

/** The timing a core configuration asks for: its what-if fields over the RTL's. */
export function coreTiming(core: CoreConfig): CoreTiming {
  return {
    branch: core.branch ?? rtlCoreTiming.branch,
    loadUseCycles: core.loadUseCycles ?? rtlCoreTiming.loadUseCycles,
    mulCycles: core.mulCycles ?? rtlCoreTiming.mulCycles,
    mulhCycles: core.mulhCycles ?? rtlCoreTiming.mulhCycles,
    divCycles: core.divCycles ?? rtlCoreTiming.divCycles,
  };
}

/** The timing fields are optional so that a config written before them (or by hand) means the RTL's. */
export interface CoreConfig extends Partial<CoreTiming> {
  version: CoreVersion;
  /** Encodings of the PULP extensions the decoder accepts. */
  flavour: Flavour;
  /** RVC accepted (and emitted by the assembler when compression is allowed). */
  rvc: boolean;
  /** Optional ISA extensions (off when absent), e.g. `{ xpulpnn: true }` for the nibble/crumb dot products. */
  isa?: IsaSwitches;
}

export interface SystemConfig {
  core: CoreConfig;
  /** The memory map of the system: one table, used by the loader, linker, ISS and the model. */
  memory: MemRegion[];
  imem: PortTiming;
  dmem: PortTiming;
}

const MiB = 1 << 20;

/** The single-core test system the timing vectors were measured in: 1 MiB RAM at 0x0 and at 0x80000000. */
export const singleCoreMemory: MemRegion[] = [
  { name: 'ram_lo', base: 0x0000_0000, size: MiB, kind: 'ram' },
  { name: 'ram_hi', base: 0x8000_0000, size: MiB, kind: 'ram' },
];

/** A fresh object per port: the instruction and data ports of one configuration must not alias (a --set on
 * one would change the other). */
const defaultPort = (): PortTiming => ({ grantDelay: 0, responseDelay: 1 });

/** A preset's core: every switch written out (extensions off, the RTL's timing), so each is a parameter. */
const presetCore = (version: CoreVersion, flavour: Flavour): CoreConfig => ({
  version,
  flavour,
  rvc: true,
  isa: { xpulpnn: false },
  ...rtlCoreTiming,
});

export const presets: Record<CoreVersion, SystemConfig> = {
  cv32e40p: {
    core: presetCore('cv32e40p', 'corev'),
    memory: singleCoreMemory,
    imem: defaultPort(),
    dmem: defaultPort(),
  },
  ri5cy: {
    core: presetCore('ri5cy', 'xpulpv2'),
    memory: singleCoreMemory,
    imem: defaultPort(),
    dmem: defaultPort(),
  },
  ri5cy_v1: {
    core: presetCore('ri5cy_v1', 'xpulpv2'),
    memory: singleCoreMemory,
    imem: defaultPort(),
    dmem: defaultPort(),
  },
};

export function preset(name: string): SystemConfig {
  const p = (presets as Record<string, SystemConfig | undefined>)[name];
  if (!p) {
    throw new Error(`unknown configuration preset '${name}' (known: ${Object.keys(presets).join(', ')})`);
  }
  return structuredClone(p);
}

/** The region containing [addr, addr + bytes), or undefined when the access is not fully inside one region. */
export function findRegion(memory: MemRegion[], addr: number, bytes = 1): MemRegion | undefined {
  const a = addr >>> 0;
  for (const r of memory) {
    if (a >= r.base && a + bytes <= r.base + r.size) return r;
  }
  return undefined;
}

/** Checks the core's cross-field rules; throws naming the field at fault. Returns it for chaining. */
export function validateCore(c: CoreConfig): CoreConfig {
  // XpulpNN extends RI5CY's XpulpV2 encodings (rtl/isa/xpulpnn.ts); the CORE-V encodings have no such words.
  if (c.isa?.xpulpnn && c.flavour !== 'xpulpv2') {
    throw new RangeError(`core.isa.xpulpnn: the XpulpNN extension needs core.flavour=xpulpv2 (RI5CY's encodings), got ${c.flavour}`);
  }
  return c;
}

/** The cluster around the cores: TCDM interconnect and event unit (pulp_cluster 9fd9c3e as GAP-8 uses it). */
export interface TcdmConfig {
  /** Word-interleaved banks (bank = address bits above the byte offset); a power of two. */
  banks: number;
  /** 32-bit words per bank (row = the address bits above the bank bits); a power of two. */
  bankWords: number;
  /** Address bit that turns a load into a test-and-set (pulp_cluster TEST_SET_BIT). */
  testSetBit: number;
  /** TCDM_arb_policy_i at reset: bit 0 CH0 tree, bit 1 CH1 tree (0 round-robin counter, 1 last win). */
  arbPolicy: number;
}

export interface EventUnitConfig {
  /** Software event lines (NB_SW_EVT). */
  swEvents: number;
  /** Hardware barriers (NB_BARR, = cores in pulp_cluster). */
  barriers: number;
  /** Dispatch FIFO entries (DISP_FIFO_DEPTH). */
  dispatchDepth: number;
}

export interface ClusterConfig {
  cores: number;
  /** Accelerator (HWCE) ports on the cores' channel of the TCDM interconnect. */
  hwaccPorts: number;
  /** AXI-to-TCDM (external) ports on the second channel. */
  extPorts: number;
  /** DMA ports on the second channel. */
  dmaPorts: number;
  tcdm: TcdmConfig;
  eventUnit: EventUnitConfig;
}

/** GAP-8: 8 cores + 4 HWCE ports, 4 external + 4 DMA ports, 16 banks of 4 KiB (64 KiB TCDM), TAS bit 20. */
export const gap8Cluster: ClusterConfig = {
  cores: 8,
  hwaccPorts: 4,
  extPorts: 4,
  dmaPorts: 4,
  tcdm: { banks: 16, bankWords: 1024, testSetBit: 20, arbPolicy: 0 },
  eventUnit: { swEvents: 8, barriers: 8, dispatchDepth: 8 },
};

const isPow2 = (n: number): boolean => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

/** Checks a cluster configuration; throws naming the first bad field. Returns it for chaining. */
export function validateCluster(c: ClusterConfig): ClusterConfig {
  const int = (v: number, name: string, min: number, max: number): void => {
    if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`cluster.${name}: must be an integer in ${min}..${max}, got ${v}`);
  };
  // Up to 16 cores (the I$'s core IDs and one barrier per core fit the event unit's 16); a power of two, as the
  // runtime's and the kernels' work split (chunk = n >> log2(cores)) and the I$ arbitration tree assume.
  if (!isPow2(c.cores) || c.cores > 16) throw new RangeError(`cluster.cores: must be a power of two 1..16, got ${c.cores}`);
  int(c.hwaccPorts, 'hwaccPorts', 0, 16);
  int(c.extPorts, 'extPorts', 0, 16);
  int(c.dmaPorts, 'dmaPorts', 0, 16);
  // The arbitration trees take up to 32 masters per channel (16 cores + 4 HWCE ports = 20 on channel 0).
  if (c.cores + c.hwaccPorts > 32 || c.extPorts + c.dmaPorts > 32) throw new RangeError('cluster: at most 32 masters per interconnect channel');
  if (c.extPorts + c.dmaPorts < 1) throw new RangeError('cluster: the second interconnect channel needs at least one port');
  if (!isPow2(c.tcdm.banks) || c.tcdm.banks > 64) throw new RangeError(`cluster.tcdm.banks: must be a power of two up to 64, got ${c.tcdm.banks}`);
  if (!isPow2(c.tcdm.bankWords) || c.tcdm.bankWords > 1 << 16) throw new RangeError(`cluster.tcdm.bankWords: must be a power of two up to 65536, got ${c.tcdm.bankWords}`);
  const rowTop = 2 + Math.log2(c.tcdm.banks) + Math.log2(c.tcdm.bankWords);
  int(c.tcdm.testSetBit, 'tcdm.testSetBit', rowTop, 31);
  int(c.tcdm.arbPolicy, 'tcdm.arbPolicy', 0, 3);
  int(c.eventUnit.swEvents, 'eventUnit.swEvents', 1, 8);
  int(c.eventUnit.barriers, 'eventUnit.barriers', 1, 16);
  if (!isPow2(c.eventUnit.dispatchDepth) || c.eventUnit.dispatchDepth > 256) throw new RangeError(`cluster.eventUnit.dispatchDepth: must be a power of two up to 256, got ${c.eventUnit.dispatchDepth}`);
  return c;
}

/** The cluster's shared instruction cache (icache_mp_128_pf, testbench/fixtures/timing/cluster/icache/README.md). */
export interface IcacheConfig {
  /** Total capacity in bytes (RTL CACHE_SIZE 4096). */
  sizeBytes: number;
  /** Associativity (RTL SET_ASSOCIATIVE 4). */
  ways: number;
  /** Line size in bytes: one 128-bit fetch word (RTL CACHE_LINE 1); the only value the RTL supports. */
  lineBytes: number;
  /** Cycles from an AR handshake to the first R beat of the refill memory in front of the cache. */
  refillLatency: number;
  /** What-if: every fetch is granted at once and answered in the next cycle; no refills. Off in the RTL. */
  ideal: boolean;
}

export const defaultIcacheConfig: IcacheConfig = { sizeBytes: 4096, ways: 4, lineBytes: 16, refillLatency: 10, ideal: false };

/** A complete, checked I$ configuration from a partial one; errors name the field at fault. */
export function icacheConfig(over: Partial<IcacheConfig> = {}): IcacheConfig {
  const c: IcacheConfig = { ...defaultIcacheConfig, ...over };
  const pow2 = (x: number): boolean => Number.isInteger(x) && x > 0 && (x & (x - 1)) === 0;
  if (c.lineBytes !== 16) throw new RangeError(`icache.lineBytes: only 16 (one 128-bit fetch word) is supported, got ${c.lineBytes}`);
  if (!pow2(c.ways) || c.ways > 16) throw new RangeError(`icache.ways: must be a power of two 1..16, got ${c.ways}`);
  // 8 line-interleaved banks of `ways` arrays, at least 2 rows each; the reduced tag caches a 512 KiB window.
  if (!pow2(c.sizeBytes) || c.sizeBytes < 8 * 16 * c.ways * 2 || c.sizeBytes > 128 * 1024) {
    throw new RangeError(`icache.sizeBytes: must be a power of two from ${8 * 16 * c.ways * 2} to 131072 bytes for ${c.ways} way(s), got ${c.sizeBytes}`);
  }
  if (!Number.isInteger(c.refillLatency) || c.refillLatency < 1 || c.refillLatency > 1000) {
    throw new RangeError(`icache.refillLatency: must be an integer 1..1000 cycles, got ${c.refillLatency}`);
  }
  if (typeof c.ideal !== 'boolean') throw new TypeError(`icache.ideal: must be a boolean`);
  return c;
}

/**
 * The GAP-8 cluster's address map as its cores see it (fact sheet pulp-cluster.md §1 "Cluster memory map";
 * testbench/fixtures/timing/cluster/system/README.md "Map used"): L2 (program image), TCDM, and the cluster
 * peripherals the programs and the runtime use. The TCDM aliases (test-and-set at bit `tcdm.testSetBit`, the
 * local-cluster alias at 0x0000_0000) follow from the `tcdm` region and the cluster config.
 */
export const gap8ClusterMemory: MemRegion[] = [
  { name: 'tcdm', base: 0x1000_0000, size: 64 * 1024, kind: 'ram' },
  { name: 'cluster_ctrl', base: 0x1020_0000, size: 0x400, kind: 'periph' },
  { name: 'icache_ctrl', base: 0x1020_1400, size: 0x400, kind: 'periph' },
  { name: 'event_unit', base: 0x1020_4000, size: 0x400, kind: 'periph' },
  { name: 'l2', base: 0x1c00_0000, size: 512 * 1024, kind: 'ram' },
];

/** A whole cluster: the cores' config, the cluster's address map (`memory`) and its blocks. */
export interface ClusterSystemConfig extends SystemConfig {
  cluster: ClusterConfig;
  /** Reset value of every core's boot address (cluster_ctrl BOOT_ADDR; pulp_cluster BOOT_ADDR 0x1C000000). */
  bootAddr: number;
  /** Word whose store by core 0 ends a run (cluster/system/README.md: TCDM 0x1000_FFF0). */
  tohost: number;
}

/** GAP-8: 8 RI5CY v1.0 cores (pulpissimo-v1.0, XpulpV2), the map above, `gap8Cluster`. */
export function gap8ClusterSystem(): ClusterSystemConfig {
  return structuredClone({
    core: presetCore('ri5cy_v1', 'xpulpv2'),
    memory: gap8ClusterMemory,
    imem: defaultPort(),
    dmem: defaultPort(),
    cluster: gap8Cluster,
    bootAddr: 0x1c00_0000,
    tohost: 0x1000_fff0,
  } satisfies ClusterSystemConfig);
}

/** The whole GAP-8-generation cluster as the signal-level model builds it (`pulpsim run --config gap8`). */
export interface Gap8Config extends ClusterSystemConfig {
  icache: IcacheConfig;
  /** L2 behind the cluster's AXI port; `latency` = L of testbench/fixtures/timing/cluster/system/README.md. */
  l2: { base: number; sizeBytes: number; latency: number };
  /** Cycles from cycle 0 until the cluster's blocks leave reset (its rstgen and fetch-enable flops). */
  resetCycles: number;
  /** Per-core result areas the cluster programs store their region deltas to (core k at + 0x100·k). */
  resultBase: number;
}

/** GAP-8 cluster preset: `gap8ClusterSystem()` plus the I$, an L2 of latency 5 and the measured reset sequence. */
export function gap8(): Gap8Config {
  return {
    ...gap8ClusterSystem(),
    icache: icacheConfig(),
    l2: { base: 0x1c00_0000, sizeBytes: 512 * 1024, latency: 5 },
    resetCycles: 5,
    resultBase: 0x1000_f000,
  };
}
