// The functional (untimed) golden model of the cluster: N harts of the single-core ISS (testbench/iss/iss.ts)
// sharing one memory system (cluster_memory.ts: L2, TCDM and its aliases, the cluster peripherals) and a
// functional event unit (cluster_event_unit.ts). It is the reference the cycle-accurate cluster is compared with
// on everything but time: the values programs compute, the stores they make, the order of synchronisation.
//
// Boot (cluster/system/README.md "Boot"): every core starts together from the cluster control unit's boot address
// (reset 0x1C000000); RI5CY v1.0 starts at boot[31:8] + 0x80 and traps to boot + 0x84/0x88/0x8C, the other core
// versions at the boot address. mhartid = {cluster_id[10:5], 0, core_id[3:0]} with cluster id 0.
//
// Interleaving (deterministic round robin): a run is a sequence of rounds; in each round cores 0, 1, ..., N-1 in
// this order each execute one instruction if they are awake. A core is asleep from the moment a read of an
// event-unit wait register cannot complete (p.elw with no masked event, or a plain load of a wait register) until
// a masked event reaches its buffer; an event raised by core j wakes core k within the same round when k > j.
// The read that put a core to sleep is executed again when it wakes and then completes (its side effect — barrier
// arrival, SW event, mutex request, dispatch pop — fired once, when it went to sleep). Every instruction is
// atomic; a test-and-set load reads and sets in one step.
//
// End: core 0's store to `tohost` (config.tohost, or the ELF's `tohost` symbol) ends the run right after that
// instruction; an `ecall` exit (a7 = 93) of any core ends it too. A run stops with ClusterStopError when the
// instruction limit is reached or when every core is asleep, listing every core's pc and state.
import { type ClusterSystemConfig, gap8ClusterSystem, validateCluster } from '../../rtl/config/index.ts';
import { type Elf, ElfError, SHF_ALLOC, SHT_NOBITS, symbol } from '../../kernels/toolchain/elf.ts';
import { describeMap } from '../../kernels/toolchain/loader.ts';
import { checkProgramCores } from '../../kernels/runtime/program_cores.ts';
import { ClusterMemory } from './cluster_memory.ts';
import type { ClusterEventUnit } from './cluster_event_unit.ts';
import { IssError, hex } from './errors.ts';
import { Iss, type Retire } from './iss.ts';

export interface ClusterIssOptions {
  /** Stop after this many executed instructions summed over all cores (default 50 000 000). */
  maxInstructions?: number;
  /** Called after every executed instruction (not for a read that has to wait), e.g. for a trace. */
  onRetire?: (core: number, r: Retire) => void;
}

export interface HartReport {
  core: number;
  pc: number;
  state: 'awake' | 'asleep';
  /** For a sleeping core: what it waits for. */
  wait?: string;
  steps: number;
}

export interface ClusterRunResult {
  exit: 'tohost' | 'ecall';
  /** The value stored to tohost (ecall exit: 1 when a0 = 0, else (a0 << 1) | 1). */
  tohost: number;
  /** The core whose store or ecall ended the run. */
  core: number;
  rounds: number;
  /** Executed instructions per core (a read that had to wait is not counted). */
  steps: number[];
  /** Retired instructions per core. */
  instret: number[];
  message: string;
}

/** The run could not end normally: instruction limit or every core asleep. */
export class ClusterStopError extends IssError {
  constructor(
    readonly kind: 'limit' | 'deadlock',
    readonly harts: HartReport[],
    reason: string,
  ) {
    super(`${reason}\n${harts.map(describeHart).join('\n')}`);
    this.name = 'ClusterStopError';
  }
}

function describeHart(h: HartReport): string {
  return `  core ${h.core}: pc ${hex(h.pc)}, ${h.state}${h.wait ? ` (${h.wait})` : ''}, ${h.steps} instructions`;
}

const DEFAULT_MAX = 50_000_000;

export class ClusterIss {
  readonly config: ClusterSystemConfig;
  readonly memory: ClusterMemory;
  readonly eventUnit: ClusterEventUnit;
  readonly harts: Iss[];
  readonly maxInstructions: number;
  private readonly onRetire: ((core: number, r: Retire) => void) | undefined;
  private readonly awake: boolean[];
  private tohost: number;
  rounds = 0;
  /** Executed instructions summed over the cores. */
  steps = 0;
  private ended: ClusterRunResult | undefined;

  constructor(config: ClusterSystemConfig = gap8ClusterSystem(), opts: ClusterIssOptions = {}) {
    this.config = config;
    validateCluster(config.cluster);
    this.memory = new ClusterMemory(config);
    this.eventUnit = this.memory.eventUnit;
    this.maxInstructions = opts.maxInstructions ?? DEFAULT_MAX;
    this.onRetire = opts.onRetire;
    this.tohost = config.tohost >>> 0;
    const n = config.cluster.cores;
    this.harts = Array.from(
      { length: n },
      (_, k) => new Iss(config, { memory: this.memory.port(k), hartId: k, maxInstructions: Number.MAX_SAFE_INTEGER }),
    );
    this.awake = new Array<boolean>(n).fill(true);
    this.eventUnit.onWake = (k) => {
      this.awake[k] = true;
    };
    this.reset();
  }

  get cores(): number {
    return this.harts.length;
  }

  /** Puts every core at its reset pc (from the cluster control unit's BOOT_ADDR registers). */
  reset(): void {
    const v1 = this.config.core.version === 'ri5cy_v1';
    this.harts.forEach((h, k) => {
      const boot = this.memory.clusterCtrl.read(0x40 + 4 * k);
      h.reset(v1 ? ((boot & ~0xff) + 0x80) >>> 0 : boot, k === 0 ? this.tohost : undefined);
    });
  }

  /**
   * Loads the ELF's allocated sections into L2/TCDM (sections, not segments: GNU ld's first segment also covers the
   * ELF headers below 0x1C000000, which the RTL harness does not load either). A `tohost` symbol replaces
   * config.tohost. The cores boot as at reset, from the boot address, not from the ELF entry.
   */
  load(elf: Elf): void {
    checkProgramCores(elf, this.cores);
    const secs = elf.sections.filter((s) => s.flags & SHF_ALLOC && s.size > 0);
    for (const s of secs) {
      if (!this.memory.mapped(s.addr, s.size)) {
        throw new ElfError(
          elf.name,
          `cannot load section ${s.name} [${hex(s.addr)}, ${hex(s.addr + s.size)}): it is not inside one memory of the cluster map: ${describeMap(this.config.memory)}`,
        );
      }
    }
    for (const s of secs) this.memory.writeBytes(s.addr, s.type === SHT_NOBITS ? new Uint8Array(s.size) : s.data);
    const t = symbol(elf, 'tohost');
    if (t) this.tohost = t.value >>> 0;
    this.reset();
  }

  /** Where each core is, for reports and errors. */
  report(): HartReport[] {
    return this.harts.map((h, k) => ({
      core: k,
      pc: h.pc,
      state: this.awake[k] ? 'awake' : 'asleep',
      ...(this.awake[k] ? {} : { wait: this.eventUnit.describeWait(k) }),
      steps: h.steps,
    }));
  }

  /** One round (see the header). Returns the result once the run has ended. */
  round(): ClusterRunResult | undefined {
    if (this.ended) return this.ended;
    const harts = this.harts;
    const awake = this.awake;
    let any = false;
    for (let k = 0; k < harts.length; k++) {
      if (!awake[k]) continue;
      any = true;
      const h = harts[k]!;
      let r;
      try {
        r = h.step();
      } catch (e) {
        if (e instanceof IssError && !e.message.startsWith('core ')) e.message = `core ${k}: ${e.message}`;
        throw e;
      }
      if (r.stalled) {
        awake[k] = false;
        continue;
      }
      this.steps++;
      if (this.onRetire) this.onRetire(k, r);
      if (h.exited) {
        this.rounds++;
        return this.finish(k);
      }
    }
    if (!any) throw new ClusterStopError('deadlock', this.report(), `every core is asleep after ${this.rounds} rounds: no event can arrive`);
    this.rounds++;
    return undefined;
  }

  /** Runs rounds until the end; throws ClusterStopError at the instruction limit or a deadlock. */
  run(): ClusterRunResult {
    for (;;) {
      const r = this.round();
      if (r) return r;
      if (this.steps >= this.maxInstructions) {
        throw new ClusterStopError(
          'limit',
          this.report(),
          `instruction limit of ${this.maxInstructions} reached after ${this.rounds} rounds without core 0's store to tohost (${hex(this.tohost)})`,
        );
      }
    }
  }

  private finish(core: number): ClusterRunResult {
    const x = this.harts[core]!.exited!;
    this.ended = {
      exit: x.exit === 'ecall' ? 'ecall' : 'tohost',
      tohost: x.tohost,
      core,
      rounds: this.rounds,
      steps: this.harts.map((h) => h.steps),
      instret: this.harts.map((h) => h.instret),
      message: `core ${core}: ${x.message}`,
    };
    return this.ended;
  }
}
