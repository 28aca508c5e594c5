// The cluster testbench: build the cluster from a config, load an ELF into L2/TCDM, run to core 0's granted store
// to tohost (testbench/fixtures/timing/cluster/system/README.md: `total_cycles` is that cycle) or a cycle limit,
// and read per-core counters, the region deltas the programs store, and memory.
import { freshCopy, Simulator, type SimulatorOptions } from '../../sim/index.ts';
import { type Elf, readElf } from '../../kernels/toolchain/elf.ts';
import { checkProgramCores } from '../../kernels/runtime/program_cores.ts';
import { Cluster, type ClusterParams } from '../../rtl/cluster/cluster.ts';
import type { MemRegion } from '../../rtl/config/index.ts';
import { gap8Params, tcdmBase, type Gap8Config } from './config.ts';

/**
 * Loads the ELF's loadable bytes that fall inside the map's regions (README "Memory model": the image from
 * 0x1C000000 on; a segment may start below it with the ELF headers of its page). Throws when a segment has bytes
 * in no region at all, or the entry point is outside the map.
 */
export function loadClipped(elf: Elf, map: MemRegion[], write: (addr: number, bytes: Uint8Array) => void): void {
  for (const seg of elf.segments) {
    if (seg.memsz === 0) continue;
    const bytes = new Uint8Array(seg.memsz);
    bytes.set(seg.data.subarray(0, Math.min(seg.filesz, seg.memsz)));
    let placed = false;
    for (const r of map) {
      const lo = Math.max(seg.paddr, r.base);
      const hi = Math.min(seg.paddr + seg.memsz, r.base + r.size);
      if (lo >= hi) continue;
      write(lo, bytes.subarray(lo - seg.paddr, hi - seg.paddr));
      placed = true;
    }
    if (!placed) throw new Error(`${elf.name}: segment ${seg.index} at ${hex(seg.paddr)} (${seg.memsz} bytes) lies outside TCDM and L2`);
  }
  if (!map.some((r) => elf.entry >= r.base && elf.entry < r.base + r.size)) throw new Error(`${elf.name}: entry point ${hex(elf.entry)} is outside TCDM and L2`);
}

/** The program as an Elf, refused (before anything changes) when built by the runtime for another core count. */
function checkedProgram(program: Uint8Array | Elf, config: Gap8Config): Elf {
  const elf = program instanceof Uint8Array ? readElf(program, 'program') : program;
  checkProgramCores(elf, config.cluster.cores);
  return elf;
}

const CLUSTER_URL = new URL('../../rtl/cluster/cluster.ts', import.meta.url).href;
/** Cluster testbenches built in this thread. */
let clustersBuilt = 0;

const hex = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');

export interface ClusterRunResult {
  exit: 'tohost' | 'limit';
  /** The cycle of core 0's granted tohost store (else the cycles simulated). */
  cycles: number;
  tohost: number;
  message: string;
}

/** Per core: the words each core stored (granted) to its result area, in program order. */
export interface CoreCounters {
  /** PCCR0..15 at the end of the run. */
  pccr: number[];
  /** Cycles the core's clock ran (not gated). */
  activeCycles: number;
}

/** The simulator's options (back-end and the engine's evaluation switches), passed through. */
export type ClusterTestbenchOptions = SimulatorOptions;

export class ClusterTestbench {
  readonly sim: Simulator;
  readonly top: Cluster;
  readonly params: ClusterParams;
  private endCycle = -1;
  private tohostValue = 0;
  /** The simulator's cycle when this run started (0, or the cycle of the last restart). */
  private base = 0;
  /** Every memory's contents as built, before any program was loaded (null: all zero). */
  private readonly built: (Uint32Array | null)[];
  /** Granted stores to the per-core result areas [resultBase, resultBase + 0x800): per core, in order. */
  readonly resultStores: number[][];
  private readonly active: Uint32Array;

  private elfImage: Elf;
  get elf(): Elf {
    return this.elfImage;
  }

  constructor(
    readonly config: Gap8Config,
    program: Uint8Array | Elf,
    opts: ClusterTestbenchOptions = {},
  ) {
    this.elfImage = checkedProgram(program, config);
    this.params = gap8Params(config);
    // From the second testbench of a thread on, a fresh copy of the cluster's code (sim/specialize.ts): the next
    // testbench (the next job of a paper or sweep worker) would otherwise run on code whose type feedback and
    // optimisations the earlier ones shaped, and without accessors bound to its arrays. Measured (CPU s, steady
    // state, conv_u8_u4_i4 after other runs in one process): 1 core ~205k -> ~245k cycles/CPU-s, the second 8-core
    // run ~25k -> ~29k. The first uses the classes themselves, which no earlier run shaped: it skips the copy's
    // compilation and evaluation (~0.1-0.2 s of its start-up).
    this.top = new (clustersBuilt++ === 0 ? Cluster : freshCopy(Cluster, CLUSTER_URL))(this.params);
    // Eager feedback: restart() runs the reset paths again (sim/codegen.ts GenerateOptions.eagerFeedback). The
    // learn key: the cluster is built from its parameters alone, so a later testbench of the same parameters (the
    // next job of a paper or sweep worker, the next test) takes this one's learned read sets (sim/elaborate.ts).
    this.sim = new Simulator(this.top, { eagerFeedback: true, learnKey: `${CLUSTER_URL} ${JSON.stringify(this.params)}`, ...opts, backend: opts.backend ?? 'codegen' });
    this.built = this.sim.netlist.memories.map((m) => (m.data.some((w) => w !== 0) ? m.data.slice() : null));
    this.load();
    const n = this.top.n;
    this.resultStores = Array.from({ length: n }, () => []);
    this.active = new Uint32Array(n);
    const tohost = config.tohost >>> 0;
    const resLo = config.resultBase >>> 0;
    const resHi = (resLo + 0x800) >>> 0;
    // Slots read straight from the values array (Simulator.slotOf): per core, clock enable, data req, gnt, we,
    // addr, wdata.
    const V = this.sim.values;
    const slot = (s: Parameters<Simulator['slotOf']>[0]): number => this.sim.slotOf(s);
    const sl = Int32Array.from(
      this.top.regions.flatMap((r) => [slot(r.clk_en), slot(r.core.data.req), slot(r.core.data.gnt), slot(r.core.data.we), slot(r.core.data.addr), slot(r.core.data.wdata)]),
    );
    const active = this.active;
    this.sim.onSettled((cycle) => {
      for (let k = 0, j = 0; k < n; k++, j += 6) {
        if (V[sl[j]!]) active[k]!++;
        if (!(V[sl[j + 1]!] && V[sl[j + 2]!] && V[sl[j + 3]!])) continue;
        const a = V[sl[j + 4]!]! >>> 0;
        if (k === 0 && this.endCycle < 0 && a >>> 2 === tohost >>> 2) {
          this.endCycle = cycle - this.base;
          this.tohostValue = V[sl[j + 5]!]! >>> 0;
        } else if (a >= resLo && a < resHi) this.resultStores[k]!.push(V[sl[j + 5]!]! >>> 0);
      }
    });
  }

  private load(): void {
    const c = this.config;
    const map: MemRegion[] = [
      { name: 'tcdm', base: tcdmBase(c), size: c.cluster.tcdm.banks * c.cluster.tcdm.bankWords * 4, kind: 'ram' },
      { name: 'l2', base: c.l2.base, size: c.l2.sizeBytes, kind: 'ram' },
    ];
    loadClipped(this.elfImage, map, (a, b) => this.writeBytes(a, b));
  }

  /**
   * Starts over with `program`: every memory back to its contents as built (I$ tags, register files, TCDM, L2),
   * every register at its reset value, the run's records cleared, then the program loaded. The next run is the
   * one a new testbench of the same configuration would make, cycle for cycle (its cycles count from here), but
   * the design is not elaborated, compiled and optimised again: in a run of a few hundred thousand cycles that
   * start-up is a large share. Settled hooks and tracers others attached stay attached (detach them first).
   */
  restart(program: Uint8Array | Elf): void {
    this.elfImage = checkedProgram(program, this.config);
    const mems = this.sim.netlist.memories;
    for (let k = 0; k < mems.length; k++) {
      const b = this.built[k];
      if (b) mems[k]!.data.set(b);
      else mems[k]!.data.fill(0);
    }
    this.sim.reset();
    this.base = this.sim.cycle;
    this.endCycle = -1;
    this.tohostValue = 0;
    this.active.fill(0);
    for (const s of this.resultStores) s.length = 0;
    this.load();
  }

  /** Cycles since the run started (construction or the last restart); settled hooks see the simulator's cycle,
   *  which is `startCycle` more. */
  get cycle(): number {
    return this.sim.cycle - this.base;
  }

  get startCycle(): number {
    return this.base;
  }

  private tcdmLoc(addr: number): { bank: number; row: number } | null {
    const c = this.config;
    const off = (addr - tcdmBase(c)) >>> 0;
    const size = c.cluster.tcdm.banks * c.cluster.tcdm.bankWords * 4;
    if (off >= size) return null;
    const w = off >>> 2;
    return { bank: w % c.cluster.tcdm.banks, row: Math.floor(w / c.cluster.tcdm.banks) };
  }

  /** Writes bytes into L2 or the TCDM (before or between runs). */
  writeBytes(addr: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      const a = (addr + i) >>> 0;
      const sh = (a & 3) * 8;
      const w = this.readWord(a & ~3);
      this.writeWord(a & ~3, ((w & ~(0xff << sh)) | (bytes[i]! << sh)) >>> 0);
    }
  }

  writeWord(addr: number, value: number): void {
    const a = addr >>> 0;
    const t = this.tcdmLoc(a);
    if (t) {
      this.top.tcdm.banks[t.bank]!.mem.data[t.row] = value >>> 0;
      return;
    }
    const l2 = this.top.l2;
    const off = (a - l2.base) >>> 0;
    if (off < l2.words * 4) {
      l2.mem.data[off >>> 2] = value >>> 0;
      return;
    }
    throw new RangeError(`cluster testbench: address ${hex(a)} is neither TCDM nor L2`);
  }

  readWord(addr: number): number {
    const a = addr >>> 0;
    const t = this.tcdmLoc(a);
    if (t) return this.top.tcdm.banks[t.bank]!.mem.data[t.row]! >>> 0;
    const l2 = this.top.l2;
    const off = (a - l2.base) >>> 0;
    if (off < l2.words * 4) return l2.mem.data[off >>> 2]! >>> 0;
    throw new RangeError(`cluster testbench: address ${hex(a)} is neither TCDM nor L2`);
  }

  get ended(): boolean {
    return this.endCycle >= 0;
  }

  run(maxCycles = 10_000_000): ClusterRunResult {
    const sim = this.sim;
    const end = this.base + maxCycles;
    while (this.endCycle < 0 && sim.cycle < end) sim.step();
    if (this.endCycle >= 0) {
      return {
        exit: 'tohost',
        cycles: this.endCycle,
        tohost: this.tohostValue,
        message: `core 0 stored ${this.tohostValue} to tohost (${hex(this.config.tohost)}) in cycle ${this.endCycle}`,
      };
    }
    return { exit: 'limit', cycles: sim.cycle - this.base, tohost: 0, message: `cycle limit of ${maxCycles} reached without core 0's store to tohost` };
  }

  /** Region deltas as the programs store them: per core, chunks of {cycles, I-miss cycles, TCDM contention}. */
  regions(): { cycles: number[][]; imiss: number[][]; contention: number[][] } {
    const pick = (j: number): number[][] => this.resultStores.map((s) => s.filter((_, i) => i % 3 === j));
    return { cycles: pick(0), imiss: pick(1), contention: pick(2) };
  }

  counters(): CoreCounters[] {
    return this.top.regions.map((r, k) => ({
      pccr: r.core.cs_registers.pccr.map((c) => c.v >>> 0),
      activeCycles: this.active[k]!,
    }));
  }
}
