// The golden instruction-set simulator: one instruction per step, semantics straight from the rtl/isa table,
// version-specific behaviour (traps, CSRs, hardware loops) from versions.ts, csr.ts and hwloop.ts. The
// lockstep checker of the signal-level core compares its retire records with the core's.
//
// End of a program (testbench/fixtures/timing/README.md): the first store to the ELF symbol `tohost` (the value
// stored is reported; 1 = pass), or the riscv-tests convention `ecall` with a7 = 93 (a0 = 0 pass; reported as
// tohost = 1, else (a0 << 1) | 1, the riscv-tests tohost encoding).
import type { CoreVersion, SystemConfig } from '../../rtl/config/index.ts';
import { type DecodeFn, type Decoded, makeDecoder } from '../../rtl/isa/decoder.ts';
import { enabledExtensions } from '../../rtl/isa/xpulpnn.ts';
import type { Flavour, Hart } from '../../rtl/isa/types.ts';
import { type Elf, symbol } from '../../kernels/toolchain/elf.ts';
import { loadElf } from '../../kernels/toolchain/loader.ts';
import { type CsrOp, CsrFile } from './csr.ts';
import { IssError, IssStall, hex } from './errors.ts';
import { HwLoops } from './hwloop.ts';
import { type IssBus, IssMemory } from './memory.ts';
import type { InstrEvents } from './perf.ts';
import { type TrapCause, type VersionRules, mcauseOf, versionRules } from './versions.ts';

export interface IssOptions {
  /** Stop with exit 'limit' after this many executed instructions (default 10 000 000). */
  maxInstructions?: number;
  /** mhartid (RI5CY layout {cluster_id[10:5], 0, core_id[3:0]}); default 0. */
  hartId?: number;
  /**
   * `wfi` with no interrupt source would sleep forever: 'error' (default) stops with a model error naming the pc,
   * 'nop' continues with the next instruction.
   */
  wfi?: 'error' | 'nop';
  /**
   * `ecall` with a7 = 93 ends the run (the riscv-tests exit shortcut; default true). False makes it trap into the
   * program's handler as the core does, so a lockstep comparison follows the handler to its `tohost` store.
   */
  ecallExit?: boolean;
  /** Memory system shared with other harts (the cluster); default a private IssMemory of `config.memory`. */
  memory?: IssBus;
}

export interface MemAccess {
  kind: 'load' | 'store';
  addr: number;
  bytes: 1 | 2 | 4;
  /** Stored value, or the loaded value as written to the register (sign/zero-extended). */
  value: number;
}

export interface RegWrite {
  reg: number;
  value: number;
}

/** One executed instruction, as the lockstep checker compares it. */
export interface Retire {
  pc: number;
  /** The instruction bits as fetched (16 bits for RVC). */
  word: number;
  size: 2 | 4;
  /** Table id of the executed instruction (the expanded one for RVC), or null for an undecodable word. */
  id: string | null;
  /** Register writes in the order they happen (x0 writes omitted); a post-increment load writes rs1, then rd. */
  writes: RegWrite[];
  /** The last register write, for the common single-write case. */
  rd: number | undefined;
  rdValue: number | undefined;
  mem: MemAccess[];
  /** Set when the instruction trapped instead of retiring. */
  trap?: { cause: number; target: number };
  /** Set when a memory access had to wait (IssStall): nothing happened, the pc is unchanged. */
  stalled?: true;
  /** The pc of the next instruction. */
  next: number;
}

export type ExitKind = 'tohost' | 'ecall' | 'limit';

export interface RunResult {
  exit: ExitKind;
  /** The value stored to `tohost` (for an ecall exit: 1 when a0 = 0, else (a0 << 1) | 1; 0 at a limit). */
  tohost: number;
  /** Retired instructions (trapping instructions do not retire). */
  instret: number;
  /** Executed instructions including trapping ones. */
  steps: number;
  /** pc of the last executed instruction. */
  pc: number;
  /** Human-readable reason, e.g. which limit was reached. */
  message: string;
}

const DEFAULT_MAX = 10_000_000;

export class Iss implements Hart {
  readonly version: CoreVersion;
  readonly flavour: Flavour;
  readonly rules: VersionRules;
  readonly memory: IssBus;
  readonly loops: HwLoops;
  readonly csrs: CsrFile;
  readonly regs = new Int32Array(32);
  readonly maxInstructions: number;
  private readonly decode: DecodeFn;
  private readonly wfiMode: 'error' | 'nop';
  private readonly ecallExit: boolean;
  private bootAddr = 0;

  /** Address of `tohost`, when the loaded ELF has one. */
  tohostAddr: number | undefined;

  private pc_ = 0;
  private size_: 2 | 4 = 4;
  private word_ = 0;
  instret = 0;
  /** pc of the last executed instruction. */
  lastPc = 0;
  steps = 0;
  exited: { exit: ExitKind; tohost: number; message: string } | undefined;

  // Per-instruction state
  private next: number | undefined;
  private trapCause: TrapCause | undefined;
  private writes: RegWrite[] = [];
  private undo: Array<[number, number]> = [];
  private mem: MemAccess[] = [];
  private pendingLoads: Array<{ rd: number; value: number; access: MemAccess }> = [];
  private ev: InstrEvents = emptyEvents();

  constructor(
    readonly config: SystemConfig,
    opts: IssOptions = {},
  ) {
    this.version = config.core.version;
    this.flavour = config.core.flavour;
    this.rules = versionRules[this.version];
    this.memory = opts.memory ?? new IssMemory(config.memory);
    this.loops = new HwLoops(this.rules.loopEnd);
    this.maxInstructions = opts.maxInstructions ?? DEFAULT_MAX;
    this.wfiMode = opts.wfi ?? 'error';
    this.ecallExit = opts.ecallExit ?? true;
    this.decode = makeDecoder(this.flavour, {
      exclude: this.rules.excluded,
      rvc: config.core.rvc,
      extensions: enabledExtensions(config.core.isa),
    });
    const self = this;
    this.csrs = new CsrFile({
      version: this.version,
      rules: this.rules,
      loops: this.loops,
      hartId: opts.hartId ?? 0,
      get bootAddr() {
        return self.bootAddr;
      },
    });
  }

  /** Sets the pc (and the boot address it implies) without an ELF, e.g. for tests that poke code. */
  reset(entry: number, tohost?: number): void {
    this.pc_ = entry >>> 0;
    this.bootAddr = this.version === 'ri5cy_v1' ? (entry - 0x80) >>> 0 : entry >>> 0;
    this.tohostAddr = tohost;
  }

  // ------------------------------------------------------------------ Hart
  get pc(): number {
    return this.pc_;
  }
  get size(): 2 | 4 {
    return this.size_;
  }
  x(r: number): number {
    return r === 0 ? 0 : this.regs[r]!;
  }
  setX(r: number, value: number): void {
    if (r === 0) return;
    this.undo.push([r, this.regs[r]!]);
    this.regs[r] = value;
    this.writes.push({ reg: r, value: value | 0 });
  }
  jump(target: number): void {
    this.next = target >>> 0;
  }
  load(rd: number, addr: number, bytes: 1 | 2 | 4, signed: boolean): void;
  load(elf: Elf): void;
  load(a: number | Elf, addr?: number, bytes?: 1 | 2 | 4, signed?: boolean): void {
    if (typeof a !== 'number') {
      this.loadProgram(a);
      return;
    }
    const raw = this.memory.read(addr!, bytes!, this.pc_, 'load');
    const s = 32 - bytes! * 8;
    this.loaded(a, addr!, bytes!, signed ? (raw << s) >> s : raw | 0);
  }
  private loaded(rd: number, addr: number, bytes: 1 | 2 | 4, value: number): void {
    const access: MemAccess = { kind: 'load', addr: addr >>> 0, bytes, value };
    this.mem.push(access);
    this.ev.loads += crossesWord(addr, bytes) ? 2 : 1;
    this.pendingLoads.push({ rd, value, access });
  }
  store(addr: number, bytes: 1 | 2 | 4, value: number): void {
    const a = addr >>> 0;
    this.memory.write(a, bytes, value, this.pc_);
    const mask = bytes === 4 ? 0xffffffff : (1 << (8 * bytes)) - 1;
    this.mem.push({ kind: 'store', addr: a, bytes, value: (value & mask) | 0 });
    this.ev.stores += crossesWord(a, bytes) ? 2 : 1;
    const t = this.tohostAddr;
    if (t !== undefined && a < t + 4 && a + bytes > t && !this.exited) {
      const v = this.memory.read(t, 4, this.pc_, 'load');
      this.exited = { exit: 'tohost', tohost: v, message: `store of ${v} to tohost (${hex(t)}) at pc ${hex(this.pc_)}` };
    }
  }
  elw(rd: number, addr: number): void {
    // No event unit in the single-core system: the event load is a plain word load.
    if (!this.memory.readEvent) this.load(rd, addr, 4, true);
    else this.loaded(rd, addr, 4, this.memory.readEvent(addr >>> 0, this.pc_) | 0);
  }
  csr(csr: number, write: boolean, value: (old: number) => number): number {
    const f3 = (this.word_ >>> 12) & 3;
    const op: CsrOp = f3 === 1 ? 'write' : f3 === 2 ? 'set' : 'clear';
    const r = this.csrs.access(csr, write, value, op);
    if (r === undefined) {
      this.trapCause ??= 'illegal';
      return 0;
    }
    return r | 0;
  }
  setLoop(L: number, what: 'start' | 'end' | 'count', value: number): void {
    this.loops.set(L, what, value);
  }
  system(kind: 'ecall' | 'ebreak' | 'mret' | 'uret' | 'dret' | 'wfi' | 'fence' | 'fencei'): void {
    switch (kind) {
      case 'ecall':
        if (this.ecallExit && this.x(17) === 93) {
          const a0 = this.x(10);
          const tohost = a0 === 0 ? 1 : ((a0 << 1) | 1) >>> 0;
          this.exited = { exit: 'ecall', tohost, message: `ecall exit with a0 = ${a0} at pc ${hex(this.pc_)}` };
        } else {
          this.trapCause ??= 'ecall';
        }
        return;
      case 'ebreak':
        // RI5CY v1.0: ebreak only signals the (absent) debug unit and flushes the pipeline.
        if (this.rules.ebreakTraps) this.trapCause ??= 'ebreak';
        return;
      case 'mret':
        this.next = this.csrs.mret();
        return;
      case 'uret':
        if (this.rules.uretIllegal) this.trapCause ??= 'illegal';
        return;
      case 'dret':
        // Debug mode is not modelled, so the core is never in it; with M-mode only, the restore of dcsr.prv
        // changes nothing.
        if (this.rules.dretIllegal) this.trapCause ??= 'illegal';
        else this.next = this.csrs.dpc >>> 0;
        return;
      case 'wfi':
        if (this.wfiMode === 'error') {
          throw new IssError(
            `wfi at pc ${hex(this.pc_)}: the core would sleep forever (no interrupt or event source in this system)`,
          );
        }
        return;
      case 'fence':
      case 'fencei':
        // Memory is coherent and code is refetched every step, so both are no-ops in the ISS.
        return;
    }
  }
  illegal(): void {
    this.trapCause ??= 'illegal';
  }

  // ------------------------------------------------------------------ execution
  /**
   * Loads the PT_LOAD segments and starts at the entry. The boot address follows from it: RI5CY v3.4.0 boots at
   * boot_addr, so the read-only trap base is entry & ~0xFF; RI5CY v1.0 resets to boot[31:8] + 0x80, so boot
   * = entry - 0x80; CV32E40P traps go where the program's mtvec says (mtvec_addr_i = 0).
   */
  private loadProgram(elf: Elf): void {
    const r = loadElf(elf, this.config.memory, (addr, bytes) => this.memory.writeBytes(addr, bytes));
    this.reset(r.entry);
    const t = symbol(elf, 'tohost');
    this.tohostAddr = t ? t.value >>> 0 : undefined;
  }

  /** Fetches the instruction at pc: 16 bits, and 16 more when bits 1:0 = 11. */
  private fetch(pc: number): { word: number; size: 2 | 4 } {
    const lo = this.memory.read(pc, 2, pc, 'fetch');
    if ((lo & 3) !== 3) return { word: lo, size: 2 };
    const hi = this.memory.read(pc + 2, 2, pc, 'fetch');
    return { word: (lo | (hi << 16)) >>> 0, size: 4 };
  }

  /** Executes one instruction and returns its record. Throws IssError on a model error. */
  step(): Retire {
    if (this.exited) throw new IssError(`the program has already ended (${this.exited.message})`);
    const pc = this.pc_;
    this.lastPc = pc;
    const { word, size } = this.fetch(pc);
    this.word_ = word;
    this.size_ = size;
    this.next = undefined;
    this.trapCause = undefined;
    this.writes = [];
    this.undo = [];
    this.mem = [];
    this.pendingLoads = [];
    this.ev = emptyEvents();
    this.ev.compressed = size === 2;
    this.csrs.beginInstruction();

    const d: Decoded | null = this.decode(word);
    let id: string | null = null;
    if (!d || d.size !== size) {
      this.trapCause = 'illegal';
    } else {
      id = d.def.id;
      const ops = this.fixOperands(d);
      const exec = d.def.exec;
      if (!exec) throw new IssError(`instruction '${d.def.id}' at pc ${hex(pc)} has no semantics in the table`);
      try {
        exec(this, ops);
      } catch (e) {
        if (!(e instanceof IssStall)) throw e;
        // The access waits: undo the instruction's register writes and leave the pc where it is.
        for (let i = this.undo.length - 1; i >= 0; i--) this.regs[this.undo[i]![0]] = this.undo[i]![1];
        this.next = undefined;
        return { pc, word, size, id, writes: [], rd: undefined, rdValue: undefined, mem: [], next: pc, stalled: true };
      }
      for (const l of this.pendingLoads) this.setX(l.rd, l.value);
      const t = d.def.timing;
      this.ev.counted = !this.rules.uncounted.has(t);
      this.ev.jump = t === 'jal' || t === 'jalr';
      this.ev.branch = t === 'branch';
      this.ev.taken = t === 'branch' && this.next !== undefined;
    }

    let trap: Retire['trap'];
    let next: number;
    if (this.trapCause !== undefined) {
      // A trapping instruction has no architectural effect besides the trap (undo any register write).
      for (let i = this.undo.length - 1; i >= 0; i--) {
        const [r, v] = this.undo[i]!;
        this.regs[r] = v;
      }
      this.writes = [];
      const cause = mcauseOf[this.trapCause];
      this.csrs.enterTrap(pc, cause);
      next = (this.csrs.trapBase() + this.rules.trapOffset[this.trapCause]) >>> 0;
      trap = { cause, target: next };
      this.ev.trapped = true;
      this.ev.jump = this.ev.branch = this.ev.taken = false;
    } else if (this.next !== undefined) {
      next = this.next;
    } else {
      next = this.loops.after(pc, size) ?? (pc + size) >>> 0;
    }

    this.csrs.countEvents(this.ev);
    this.steps++;
    if (!trap) this.instret++;
    this.pc_ = next;
    const last = this.writes[this.writes.length - 1];
    return {
      pc,
      word,
      size,
      id,
      writes: this.writes,
      rd: last?.reg,
      rdValue: last?.value,
      mem: this.mem,
      ...(trap ? { trap } : {}),
      next,
    };
  }

  /** Runs until the program ends or the instruction limit. Model errors propagate as IssError. */
  run(): RunResult {
    while (!this.exited) {
      if (this.steps >= this.maxInstructions) {
        return {
          exit: 'limit',
          tohost: 0,
          instret: this.instret,
          steps: this.steps,
          pc: this.lastPc,
          message: `instruction limit of ${this.maxInstructions} reached (next pc ${hex(this.pc_)}) without a store to tohost or an exit ecall`,
        };
      }
      this.step();
    }
    return {
      exit: this.exited.exit,
      tohost: this.exited.tohost,
      instret: this.instret,
      steps: this.steps,
      pc: this.lastPc,
      message: this.exited.message,
    };
  }

  /** Version-specific operand differences the shared table cannot know. */
  private fixOperands(d: Decoded): Decoded['ops'] {
    if (this.rules.dotupSciSigned && DOTUP_SCI.has(d.def.id)) {
      // RI5CY v1.0 sign-extends the 6-bit immediate of the unsigned .sci dot products (ri5cy_v1/README.md).
      return { ...d.ops, imm: (d.ops.imm << 26) >> 26 };
    }
    return d.ops;
  }

  // ------------------------------------------------------------------ peek / poke
  readReg(r: number): number {
    return this.x(r);
  }
  writeReg(r: number, value: number): void {
    if (r !== 0) this.regs[r] = value | 0;
  }
  setPc(pc: number): void {
    this.pc_ = pc >>> 0;
  }
  readMem(addr: number, bytes: 1 | 2 | 4): number {
    return this.memory.read(addr, bytes, this.pc_, 'load');
  }
  writeMem(addr: number, bytes: 1 | 2 | 4, value: number): void {
    this.memory.write(addr, bytes, value, this.pc_);
  }
}

const DOTUP_SCI = new Set(['pv.dotup.sci.h', 'pv.dotup.sci.b', 'pv.sdotup.sci.h', 'pv.sdotup.sci.b']);

function crossesWord(addr: number, bytes: number): boolean {
  return (addr & 3) + bytes > 4;
}

function emptyEvents(): InstrEvents {
  return { trapped: false, counted: true, compressed: false, loads: 0, stores: 0, jump: false, branch: false, taken: false };
}
