// The shape of the instruction-set table. Everything that knows about instructions (decoder, disassembler,
// assembler, ISS, the core's decoder and EX stage) is derived from values of these types; nothing else lists
// instructions.

/** The two encodings of the PULP extensions: RI5CY / PULP GCC (`p.*`, `pv.*`, `lp.*`) and CORE-V v2 (`cv.*`). */
export type Flavour = 'xpulpv2' | 'corev';

/** Groups that can be switched on or off in a configuration. */
export type Ext =
  | 'I' // RV32I base
  | 'M' // multiply / divide
  | 'C' // compressed (only as 16-bit encodings that expand to a 32-bit instruction of the table)
  | 'Zicsr'
  | 'Zifencei'
  | 'XpulpMem' // post-increment and register-offset loads/stores, p.elw
  | 'XpulpHwloop'
  | 'XpulpBitman' // extract/insert/bclr/bset/ff1/fl1/clb/cnt/ror/bitrev
  | 'XpulpAlu' // abs, slet, min/max, ext*, clip*, addN/subN families, beqimm/bneimm
  | 'XpulpMac' // mac/msu and the 16x16 mul/mac with normalisation and rounding
  | 'XpulpSimd' // pv.* / cv.* SIMD
  | 'XpulpNN'; // nibble/crumb SIMD dot products; optional: only where a configuration switches it on

/**
 * What the core's timing depends on (the fact sheet's §1.4 classes). The core's controller keys stall and
 * flush rules on this, never on the mnemonic.
 */
export type TimingClass =
  | 'alu' // single-cycle ALU / bit-manip / SIMD ALU
  | 'mul' // single-cycle multiplier (mul, mac, 16x16 mul/mac, dot products)
  | 'mulh' // multi-cycle high multiply (mulh, mulhsu, mulhu)
  | 'div' // serial divider (div, divu, rem, remu)
  | 'load'
  | 'store'
  | 'branch' // conditional branch, decided in EX
  | 'jal' // jump taken in ID
  | 'jalr' // register jump taken in ID (no forwarding to the target)
  | 'csr'
  | 'hwloop' // lp.* / cv.* loop set-up
  | 'elw' // event load: the core sleeps until the response
  | 'fence'
  | 'fencei'
  | 'ecall'
  | 'ebreak'
  | 'mret'
  | 'uret'
  | 'wfi';

/**
 * One slice of instruction bits that feeds an operand: word bits [hi:lo] become value bits [at + hi - lo : at].
 * An operand is the OR of its slices; bits below the lowest `at` are zero (e.g. branch offsets have at >= 1).
 */
export interface Slice {
  hi: number;
  lo: number;
  at: number;
}

/** Names of decoded operands. Register operands hold register numbers; the rest hold integer values. */
export type OperandName =
  | 'rd'
  | 'rs1'
  | 'rs2'
  | 'rs3' // reg-reg stores: offset register in bits 11:7
  | 'imm' // the main immediate (I/S/B/U/J, simm5 of beqimm/bneimm, shamt, Is2, Imm6, uimmL, ...)
  | 'imm2' // a second immediate (Is3 of bit-manip/addN/mul, uimmS of setupi, branch offset of beqimm)
  | 'csr' // 12-bit CSR number
  | 'L' // hardware-loop index (0 or 1)
  | 'pred' // fence predecessor set
  | 'succ'; // fence successor set

export interface OperandField {
  name: OperandName;
  slices: Slice[];
  /** Sign-extend from the highest value bit (the top of the highest slice). */
  signed: boolean;
  /**
   * The value is a byte offset from the address of the instruction (branch and jump offsets, hardware-loop
   * targets). Assembly text shows the target address; the disassembler prints pc + value.
   */
  pcrel?: boolean;
  /** Added to the raw field value (RVC's 3-bit register fields rd'/rs1'/rs2' name x8..x15: bias 8). */
  bias?: number;
  /** GNU objdump prints the value in hex (shift amounts, upper immediates); LLVM prints every immediate in hex. */
  hex?: boolean;
}

/**
 * Another spelling an assembler accepts for an encoding: GNU as' `...i` duplicates (`p.extracti` = `p.extract`,
 * same syntax) and short forms with implied operands (`p.muls rd, rs1, rs2` = `p.mulsn rd, rs1, rs2, 0`).
 * Disassemblers print the encoding's own mnemonic.
 */
export interface EncodingAlias {
  mnemonic: string;
  /** Operand template of the alias; operands it does not mention take their `fixed` value (else 0). */
  syntax: string;
  fixed?: Partial<Operands>;
}

/** One concrete encoding of an instruction in one flavour (or in both, for RV32 base instructions). */
export interface Encoding {
  /** Mnemonic as GNU `as` (xpulpv2) or LLVM 19 (corev) spells it. */
  mnemonic: string;
  /**
   * Operand template in assembler syntax, operand names as in `OperandName`, e.g. `rd, rs1, imm`,
   * `rd, imm(rs1!)` (post-increment), `rd, (rs1), imm` (CORE-V post-increment), `rs2, rs3(rs1)`,
   * `L, imm, imm2`. Punctuation is literal; whitespace is free.
   */
  syntax: string;
  /** Instruction length in bytes: 4, or 2 for RVC. */
  size: 2 | 4;
  match: number;
  mask: number;
  fields: OperandField[];
  /**
   * Extra constraints on decoded fields that `match/mask` cannot express (e.g. RVC forms that are reserved when
   * an immediate is zero, or rd != x0). The decoder treats a word failing them as another instruction or illegal.
   */
  valid?: (f: Operands) => boolean;
  /** Other spellings of this encoding the assembler must accept (see `EncodingAlias`). */
  aliases?: EncodingAlias[];
}

/**
 * Decoded operand values. Register numbers 0..31; immediates already sign-extended and scaled, equal to the value
 * the assembly text shows (`lui`/`auipc` hold the 20-bit upper immediate; pc-relative fields hold the byte offset).
 */
export interface Operands {
  rd: number;
  rs1: number;
  rs2: number;
  rs3: number;
  imm: number;
  imm2: number;
  csr: number;
  L: number;
  pred: number;
  succ: number;
}

/**
 * The state an instruction's semantics acts on. The ISS implements it directly; the signal-level core
 * implements it over its operand muxes, LSU request and write-back ports, so both run the same semantics.
 * Register values are int32 (`v | 0`); compare unsigned with `>>> 0`. `setX(0, v)` must be ignored (x0 is
 * hard-wired; semantics do not test rd != 0). Addresses passed to load/store/elw/jump are unsigned (`>>> 0`).
 */
export interface Hart {
  /** Address of the instruction being executed. */
  readonly pc: number;
  /** Size in bytes of the instruction being executed (2 for RVC). */
  readonly size: 2 | 4;
  readonly flavour: Flavour;
  x(r: number): number;
  setX(r: number, value: number): void;
  /** Control transfer (taken branch or jump). Without a call the next pc is pc + size. */
  jump(target: number): void;
  /** Loads `bytes` at `addr` into rd (sign- or zero-extended). The write happens after any setX in the same instruction. */
  load(rd: number, addr: number, bytes: 1 | 2 | 4, signed: boolean): void;
  store(addr: number, bytes: 1 | 2 | 4, value: number): void;
  /** Event load (p.elw / cv.elw): a word load that may put the core to sleep until the event arrives. */
  elw(rd: number, addr: number): void;
  /** Reads a CSR (returning its old value) and writes `value` when `write` is set. Unknown CSRs trap as illegal. */
  csr(csr: number, write: boolean, value: (old: number) => number): number;
  /** Hardware-loop registers of loop L. */
  setLoop(L: number, what: 'start' | 'end' | 'count', value: number): void;
  /**
   * System instructions that the core handles in its controller. `dret` (return from debug mode) is legal only
   * in debug mode on CV32E40P and always illegal on RI5CY v1.0; RI5CY v3.4.0 decodes it in any mode and jumps to
   * dpc. Implementations written before it existed may ignore it.
   */
  system(kind: 'ecall' | 'ebreak' | 'mret' | 'uret' | 'dret' | 'wfi' | 'fence' | 'fencei'): void;
  /** Raise an illegal-instruction trap (e.g. a reserved operand combination). */
  illegal(): void;
}

/** One operation of the instruction set. */
export interface InstrDef {
  /** Unique key across the whole table, e.g. `add`, `p.lw.ri.post`, `pv.sdotusp.b`, `c.addi`. */
  id: string;
  ext: Ext;
  timing: TimingClass;
  /** Encodings per flavour. RV32 base instructions use the same encoding in both. */
  enc: Partial<Record<Flavour, Encoding>>;
  /**
   * The semantics. For RVC entries the table holds the 16-bit encoding and `expandsTo` names the 32-bit
   * instruction (by id) it expands to; `exec` is then absent and `expand` maps the operands.
   */
  exec?: (h: Hart, o: Operands) => void;
  expandsTo?: string;
  expand?: (o: Operands) => Operands;
  /** Registers read by the instruction (for the core's hazard logic); derived from the syntax when absent. */
  reads?: Array<'rs1' | 'rs2' | 'rs3' | 'rd'>;
}
