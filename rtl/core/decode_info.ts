// What the ID stage's decoder needs to know about one instruction word, derived from the rtl/isa table (never a
// second instruction list): which register-file read ports it uses (a = rs1, b = rs2, c = rs3 or rd as an
// accumulator, as riscv_decoder.sv's rega/regb/regc_used), which write port it drives (port A = LSU in WB,
// port B = ALU/MUL/CSR from EX, riscv_id_stage.sv regfile_mem_we / regfile_alu_we), and the controller's flags
// (jump in ID, branch in EX, CSR with a pipeline flush, traps, fences, mret, wfi, event load).
import { type Decoded, type DecodeFn, makeDecoder } from '../isa/decoder.ts';
import { encode, findId, sourceRegs, syntaxOperands } from '../isa/table.ts';
import type { Flavour, Operands, TimingClass } from '../isa/types.ts';
import type { CoreRules } from './version.ts';

export const JUMP_NONE = 0;
export const JUMP_JAL = 1;
export const JUMP_JALR = 2;

export interface DecodeInfo {
  word: number;
  /** Bytes of the fetched instruction (2 for RVC). */
  size: 2 | 4;
  decoded: Decoded | null;
  /** Not an instruction of this core (or a reserved RVC form): the controller traps. */
  illegal: boolean;
  timing: TimingClass | null;
  /** Register read through ports a/b/c, 0 when the port is unused (x0 never forwards or stalls). */
  raddrA: number;
  raddrB: number;
  raddrC: number;
  /** Port B (EX) write: ALU/MUL/CSR results, jump links, post-increment pointers. */
  aluWe: boolean;
  aluWaddr: number;
  /** The ALU write-address field of the (expanded) word: bits 11:7, or rs1 for post-increment forms. */
  aluWaddrField: number;
  /** Port A (WB) write: load data. */
  memWe: boolean;
  memWaddr: number;
  dataReq: boolean;
  dataWe: boolean;
  jump: number;
  branch: boolean;
  /** A conditional branch's offset from its own PC (its target when taken). */
  branchOffset: number;
  /** The controller redirects the fetch while this word is in ID: jumps, and under `core.branch=btfn` the
   *  backward conditional branches (predicted taken). */
  idRedirect: boolean;
  csr: boolean;
  /** cv32e40p_decoder.sv csr_access_o: a 32-bit SYSTEM word with funct3 != 0, set before the CSR number is
   *  checked, so an illegal CSR instruction has it too (and keeps it in EX, where it makes ex_valid). */
  csrAccess: boolean;
  /** CSR access that makes the controller flush the pipeline (DECODE -> FLUSH_EX -> FLUSH_WB). */
  csrStatus: boolean;
  csrAddr: number;
  /** csr_op: 1 write, 2 set, 3 clear (riscv_defines CSR_OP_*), from funct3 bits 13:12. */
  csrOp: number;
  hwloop: boolean;
  elw: boolean;
  ecall: boolean;
  ebreak: boolean;
  mret: boolean;
  uret: boolean;
  /** wfi: pipe_flush in the RTL decoder. */
  wfi: boolean;
  /** fence and fence.i: both decoded as fence.i in these cores. */
  fencei: boolean;
  mulh: boolean;
  /** Cycles the multiplier's FSM holds the instruction in EX (core.mulhCycles for mulh, core.mulCycles for the
   *  other multiplies); 0 when it takes one cycle (no FSM). */
  multCycles: number;
  div: boolean;
  /** Starts the serial divider (a division, unless core.divCycles makes it single-cycle). */
  divEn: boolean;
  /** div/rem (signed divisor rule) rather than divu/remu. */
  divSigned: boolean;
  mul: boolean;
  compressed: boolean;
  /** In DECODE the controller only decodes it (none of the flags above that trap, redirect, flush or wait is set):
   *  its FSM takes the common path without the full case analysis. */
  ctrlPlain: boolean;
}

const DOTUP_SCI = new Set(['pv.dotup.sci.h', 'pv.dotup.sci.b', 'pv.sdotup.sci.h', 'pv.sdotup.sci.b']);

const ALU_WRITERS = new Set<TimingClass>(['alu', 'mul', 'mulh', 'div', 'csr', 'jal', 'jalr']);

const FAST_SIZE = 1024;

/** Per-core decoder with a cache keyed by the fetched word (the word is all the decoder looks at). */
export class DecodeCache {
  private readonly decode: DecodeFn;
  readonly flavour: Flavour;
  readonly version: CoreRules['version'];
  private readonly map = new Map<number, DecodeInfo>();

  constructor(private readonly rules: CoreRules) {
    this.flavour = rules.flavour;
    this.version = rules.version;
    const exclude = rules.excluded.filter((id) => findId(id) !== undefined);
    this.decode = makeDecoder(rules.flavour, { exclude, rvc: rules.rvc, extensions: rules.extensions });
    // packed elements from the start (a key of -1 never matches)
    const zero = this.build(0);
    this.map.set(0, zero);
    this.fastInfo = Array.from({ length: FAST_SIZE }, () => zero);
  }

  /** Direct-mapped front of the map, looked up every time ID or EX holds a new word: a typed-array compare
   *  instead of hashing a (often heap-number) key. */
  private readonly fastKey = new Float64Array(FAST_SIZE).fill(-1);
  private readonly fastInfo: DecodeInfo[];

  get(word: number): DecodeInfo {
    const w = word >>> 0;
    const h = (w ^ (w >>> 10) ^ (w >>> 20)) & (FAST_SIZE - 1);
    if (this.fastKey[h] === w) return this.fastInfo[h]!;
    let d = this.map.get(w);
    if (d === undefined) {
      d = this.build(w);
      if (this.map.size > 1 << 16) this.map.clear();
      this.map.set(w, d);
    }
    this.fastKey[h] = w;
    this.fastInfo[h] = d;
    return d;
  }

  private build(word: number): DecodeInfo {
    const compressed = (word & 3) !== 3;
    const w = compressed ? word & 0xffff : word;
    const size: 2 | 4 = compressed ? 2 : 4;
    const d = this.decode(w);
    const info: DecodeInfo = {
      word: w,
      size,
      decoded: d,
      illegal: d === null || d.size !== size,
      timing: null,
      raddrA: 0,
      raddrB: 0,
      raddrC: 0,
      aluWe: false,
      aluWaddr: 0,
      aluWaddrField: 0,
      memWe: false,
      memWaddr: 0,
      dataReq: false,
      dataWe: false,
      jump: JUMP_NONE,
      branch: false,
      branchOffset: 0,
      idRedirect: false,
      csr: false,
      csrAccess: !compressed && (w & 0x7f) === 0x73 && ((w >>> 12) & 7) !== 0,
      csrStatus: false,
      csrAddr: 0,
      csrOp: 0,
      hwloop: false,
      elw: false,
      ecall: false,
      ebreak: false,
      mret: false,
      uret: false,
      wfi: false,
      fencei: false,
      mulh: false,
      multCycles: 0,
      div: false,
      divEn: false,
      divSigned: false,
      mul: false,
      compressed,
      ctrlPlain: false,
    };
    if (d === null || info.illegal) {
      return info;
    }
    const def = d.def;
    let o = d.ops;
    if (this.rules.dotupSciSigned && DOTUP_SCI.has(def.id)) {
      // RI5CY v1.0 sign-extends the 6-bit immediate of the unsigned .sci dot products.
      o = { ...o, imm: (o.imm << 26) >> 26 };
      info.decoded = { ...d, ops: o };
    }
    const t = def.timing;
    info.timing = t;
    for (const r of sourceRegs(def, d.enc)) {
      if (r === 'rs1') info.raddrA = o.rs1;
      else if (r === 'rs2') info.raddrB = o.rs2;
      else info.raddrC = r === 'rs3' ? o.rs3 : o.rd;
    }
    const hasRd = syntaxOperands(d.enc.syntax).includes('rd');
    const post = def.id.endsWith('.post');
    if (ALU_WRITERS.has(t) && hasRd) {
      info.aluWe = true;
      info.aluWaddr = o.rd;
    }
    if (post) {
      info.aluWe = true;
      info.aluWaddr = o.rs1;
    }
    let w32 = w;
    if (compressed) {
      try {
        w32 = encode(d.enc, o as Operands);
      } catch {
        w32 = o.rd << 7;
      }
    }
    info.aluWaddrField = post ? o.rs1 : (w32 >>> 7) & 31;
    if (t === 'load' || t === 'elw') {
      info.dataReq = true;
      info.memWe = true;
      info.memWaddr = o.rd;
      info.elw = t === 'elw';
    }
    if (t === 'store') {
      info.dataReq = true;
      info.dataWe = true;
    }
    info.jump = t === 'jal' ? JUMP_JAL : t === 'jalr' ? JUMP_JALR : JUMP_NONE;
    info.branch = t === 'branch';
    if (info.branch) {
      // RV32I/RVC branches hold the offset in imm; p.beqimm/p.bneimm hold the compared immediate there and the
      // offset in imm2 (rtl/isa/xpulp_alu.ts)
      info.branchOffset = syntaxOperands(d.enc.syntax).includes('imm2') ? o.imm2 : o.imm;
    }
    info.idRedirect = info.jump !== JUMP_NONE || (info.branch && this.rules.timing.branch === 'btfn' && info.branchOffset < 0);
    if (t === 'csr') {
      info.csr = true;
      info.csrAddr = o.csr;
      info.csrOp = (w >>> 12) & 3;
      // CV32E40P: csrrs/csrrc with a zero operand is CSR_OP_READ (no write); RI5CY writes on every access
      if (this.rules.version === 'cv32e40p' && info.csrOp !== 1 && ((w >>> 15) & 31) === 0) info.csrOp = 0;
      // the decoder sets csr_status only for the numbers it accepts
      if (!this.rules.csrLegal(o.csr, writesCsr(w))) info.illegal = true;
      else info.csrStatus = this.rules.csrFlush(o.csr);
    }
    info.hwloop = t === 'hwloop';
    info.ecall = t === 'ecall';
    info.ebreak = t === 'ebreak';
    info.mret = t === 'mret';
    info.uret = t === 'uret';
    info.wfi = t === 'wfi';
    info.fencei = t === 'fence' || t === 'fencei';
    info.mulh = t === 'mulh';
    info.div = t === 'div';
    info.divSigned = info.div && !def.id.endsWith('u');
    info.mul = t === 'mul';
    const tm = this.rules.timing;
    const mc = info.mulh ? tm.mulhCycles : info.mul ? tm.mulCycles : 1;
    info.multCycles = mc > 1 ? mc : 0;
    info.divEn = info.div && tm.divCycles !== 1;
    if (info.uret && this.rules.uretIllegal) info.illegal = true;
    info.ctrlPlain = !(
      info.illegal || info.idRedirect || info.ebreak || info.wfi || info.ecall || info.fencei || info.mret || info.uret ||
      info.csrStatus || info.elw
    );
    return info;
  }
}

/** The CSR instruction writes (csrrw/csrrwi always; set/clear forms only with a non-zero operand). */
function writesCsr(word: number): boolean {
  const f3 = (word >>> 12) & 7;
  const src = (word >>> 15) & 31;
  return (f3 & 3) === 1 || src !== 0;
}
