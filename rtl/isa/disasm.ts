// The disassembler: prints a word as GNU objdump (xpulpv2) or llvm-objdump (corev) spell it, from the encoding's
// mnemonic and syntax template. The base instructions get the objdump aliases (li, mv, ret, beqz, csrr, ...);
// the alias choice follows the output of binutils 2.40 and llvm-objdump 19 (see disasm.fixture.json).
import { csrNames } from './csrNames.ts';
import { makeDecoder } from './decoder.ts';
import { OPTIONAL_EXTS } from './table.ts';
import type { DecodeFn, Decoded } from './decoder.ts';
import type { Encoding, Flavour, OperandField, OperandName, Operands } from './types.ts';

export interface DisasmOptions {
  /** Output conventions: GNU objdump (default for xpulpv2) or llvm-objdump (default for corev). */
  style?: 'gnu' | 'llvm';
  /** ABI register names (`a0`, default) or `x10`. */
  regNames?: 'abi' | 'x';
  /** Print objdump's aliases (default true); false prints the table's mnemonic, RVC words in their c.* form. */
  aliases?: boolean;
  /** Decoder to use (default: the flavour's full decoder with RVC). */
  decoder?: DecodeFn;
}

const ABI = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];

/** ABI name of register r. */
export function abiName(r: number): string {
  return ABI[r] ?? `x${r}`;
}

const defaultDecoders = new Map<Flavour, DecodeFn>();
function decoderFor(flavour: Flavour): DecodeFn {
  let d = defaultDecoders.get(flavour);
  if (!d) {
    // Listings name optional-extension words too; whether a core accepts them is the core's decoder's business.
    d = makeDecoder(flavour, { extensions: [...OPTIONAL_EXTS] });
    defaultDecoders.set(flavour, d);
  }
  return d;
}

/** Disassembles one word at address `pc` ("illegal" for words the flavour does not decode, "unimp" for 0x0000). */
export function disassemble(word: number, pc: number, flavour: Flavour, opts: DisasmOptions = {}): string {
  const d = (opts.decoder ?? decoderFor(flavour))(word);
  if (!d) return (word & 0xffff) === 0 ? 'unimp' : 'illegal';
  return formatDecoded(d, pc, { ...opts, style: opts.style ?? (flavour === 'corev' ? 'llvm' : 'gnu') });
}

type Style = 'gnu' | 'llvm';

class Printer {
  constructor(
    readonly style: Style,
    readonly pc: number,
    readonly xNames: boolean,
  ) {}
  reg(r: number): string {
    return this.xNames ? `x${r}` : abiName(r);
  }
  hex(v: number): string {
    return v < 0 ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
  }
  imm(v: number, f?: OperandField): string {
    if (f?.pcrel) return this.target(v);
    return this.style === 'llvm' || f?.hex ? this.hex(v) : String(v);
  }
  target(off: number): string {
    const t = ((this.pc + off) >>> 0).toString(16);
    return this.style === 'llvm' ? `0x${t}` : t;
  }
  csr(n: number): string {
    return csrNames.get(n) ?? `0x${n.toString(16)}`;
  }
  fenceSet(v: number): string {
    if (v === 0) return this.style === 'llvm' ? '0' : 'unknown';
    return ['i', 'o', 'r', 'w'].filter((_, i) => v & (8 >> i)).join('');
  }
  mem(off: number, base: number): string {
    return `${this.imm(off)}(${this.reg(base)})`;
  }
  line(mnemonic: string, operands: string[]): string {
    if (operands.length === 0) return mnemonic;
    return `${mnemonic}\t${operands.join(this.style === 'llvm' ? ', ' : ',')}`;
  }
}

const REG_OPERANDS = new Set<OperandName>(['rd', 'rs1', 'rs2', 'rs3']);
const OPERAND_RE = /\b(rd|rs1|rs2|rs3|imm2|imm|csr|L|pred|succ)\b/g;

/** Prints `ops` through the encoding's syntax template. */
function fromTemplate(p: Printer, enc: Encoding, ops: Operands): string {
  const fields = new Map(enc.fields.map((f) => [f.name, f]));
  const text = enc.syntax.replace(OPERAND_RE, (name) => {
    const n = name as OperandName;
    const v = ops[n];
    if (REG_OPERANDS.has(n)) return p.reg(v);
    if (n === 'csr') return p.csr(v);
    if (n === 'pred' || n === 'succ') return p.fenceSet(v);
    if (n === 'L') return String(v);
    return p.imm(v, fields.get(n));
  });
  const compact = text.replace(/\s+/g, '');
  const body = p.style === 'llvm' ? compact.replace(/,/g, ', ') : compact;
  return body ? `${enc.mnemonic}\t${body}` : enc.mnemonic;
}

const READ_COUNTERS: Record<number, string> = {
  0xc00: 'rdcycle',
  0xc01: 'rdtime',
  0xc02: 'rdinstret',
  0xc80: 'rdcycleh',
  0xc81: 'rdtimeh',
  0xc82: 'rdinstreth',
};

/** objdump's alias for a base instruction, or undefined to print it from its template. */
function alias(p: Printer, id: string, o: Operands, enc: Encoding): string | undefined {
  const gnu = p.style === 'gnu';
  const r = (n: number) => p.reg(n);
  const shamt = enc.fields.find((f) => f.name === 'imm');
  switch (id) {
    case 'addi':
      if (o.rd === 0 && o.rs1 === 0 && o.imm === 0) return 'nop';
      if (o.rs1 === 0) return p.line('li', [r(o.rd), p.imm(o.imm)]);
      if (o.imm === 0) return p.line('mv', [r(o.rd), r(o.rs1)]);
      return gnu ? p.line('add', [r(o.rd), r(o.rs1), p.imm(o.imm)]) : undefined;
    case 'xori':
      if (o.imm === -1) return p.line('not', [r(o.rd), r(o.rs1)]);
      return gnu ? p.line('xor', [r(o.rd), r(o.rs1), p.imm(o.imm)]) : undefined;
    case 'ori':
      return gnu ? p.line('or', [r(o.rd), r(o.rs1), p.imm(o.imm)]) : undefined;
    case 'andi':
      if (!gnu) return undefined;
      if (o.imm === 255) return p.line('zext.b', [r(o.rd), r(o.rs1)]);
      return p.line('and', [r(o.rd), r(o.rs1), p.imm(o.imm)]);
    case 'slli':
    case 'srli':
    case 'srai':
      return gnu ? p.line(id.slice(0, 3), [r(o.rd), r(o.rs1), p.imm(o.imm, shamt)]) : undefined;
    case 'sltiu':
      return o.imm === 1 ? p.line('seqz', [r(o.rd), r(o.rs1)]) : undefined;
    case 'sub':
      return o.rs1 === 0 ? p.line('neg', [r(o.rd), r(o.rs2)]) : undefined;
    case 'slt':
      if (o.rs2 === 0) return p.line('sltz', [r(o.rd), r(o.rs1)]);
      return o.rs1 === 0 ? p.line('sgtz', [r(o.rd), r(o.rs2)]) : undefined;
    case 'sltu':
      return o.rs1 === 0 ? p.line('snez', [r(o.rd), r(o.rs2)]) : undefined;
    case 'beq':
    case 'bne':
      return o.rs2 === 0 ? p.line(`${id}z`, [r(o.rs1), p.target(o.imm)]) : undefined;
    case 'blt':
      if (o.rs2 === 0) return p.line('bltz', [r(o.rs1), p.target(o.imm)]);
      return o.rs1 === 0 ? p.line('bgtz', [r(o.rs2), p.target(o.imm)]) : undefined;
    case 'bge':
      if (o.rs1 === 0) return p.line('blez', [r(o.rs2), p.target(o.imm)]);
      return o.rs2 === 0 ? p.line('bgez', [r(o.rs1), p.target(o.imm)]) : undefined;
    case 'jal':
      if (o.rd === 0) return p.line('j', [p.target(o.imm)]);
      return o.rd === 1 ? p.line('jal', [p.target(o.imm)]) : undefined;
    case 'jalr':
      if (o.rd === 0 && o.rs1 === 1 && o.imm === 0) return 'ret';
      if (o.rd === 0) return p.line('jr', [o.imm === 0 ? r(o.rs1) : p.mem(o.imm, o.rs1)]);
      if (o.rd === 1) return p.line('jalr', [o.imm === 0 ? r(o.rs1) : p.mem(o.imm, o.rs1)]);
      return o.imm === 0 ? p.line('jalr', [r(o.rd), r(o.rs1)]) : undefined;
    case 'fence':
      return o.pred === 15 && o.succ === 15 ? 'fence' : undefined;
    case 'csrrw':
      if (o.rd === 0 && o.rs1 === 0 && o.csr === 0xc00) return 'unimp';
      return o.rd === 0 ? p.line('csrw', [p.csr(o.csr), r(o.rs1)]) : undefined;
    case 'csrrs':
      if (o.rs1 === 0) {
        const rc = READ_COUNTERS[o.csr];
        return rc ? p.line(rc, [r(o.rd)]) : p.line('csrr', [r(o.rd), p.csr(o.csr)]);
      }
      return o.rd === 0 ? p.line('csrs', [p.csr(o.csr), r(o.rs1)]) : undefined;
    case 'csrrc':
      return o.rd === 0 ? p.line('csrc', [p.csr(o.csr), r(o.rs1)]) : undefined;
    case 'csrrwi':
    case 'csrrsi':
    case 'csrrci': {
      // binutils 2.40 prints the immediate forms under the register mnemonics; LLVM keeps the `i`.
      const base = gnu ? id.slice(0, 5) : id;
      if (o.rd === 0) return p.line(`csr${base.slice(4)}`, [p.csr(o.csr), p.imm(o.imm)]);
      return p.line(base, [r(o.rd), p.csr(o.csr), p.imm(o.imm)]);
    }
    default:
      return undefined;
  }
}

/** An encoding's alternative spellings (`Encoding.aliases` where the table declares them). */
type Spelled = Encoding & { aliases?: Array<{ mnemonic: string; syntax: string; fixed?: Partial<Operands> }> };

/**
 * llvm-objdump prints a short form with implied operands when the word has those values (`cv.mulu rd, rs1, rs2`
 * for `cv.mulun ..., 0`); the `...i` duplicates without implied operands are never printed.
 */
function shortAlias(enc: Spelled, ops: Operands): { mnemonic: string; syntax: string } | undefined {
  for (const a of enc.aliases ?? []) {
    const fixedOps = Object.entries(a.fixed ?? {});
    if (fixedOps.length > 0 && fixedOps.every(([k, v]) => ops[k as OperandName] === v)) return a;
  }
  return undefined;
}

const RVC_HINT_RD0 = new Set(['c.li', 'c.lui', 'c.slli', 'c.mv', 'c.add']);

/** Formats an already decoded instruction (e.g. from the ISS's decoder) at address `pc`. */
export function formatDecoded(d: Decoded, pc: number, opts: DisasmOptions & { style: Style }): string {
  const p = new Printer(opts.style, pc >>> 0, opts.regNames === 'x');
  const aliases = opts.aliases ?? true;
  if (d.rvc) {
    const id = d.rvc.def.id;
    const o = d.rvc.ops;
    // Both objdumps keep the compressed spelling for HINT forms (rd = x0, zero shift amounts, c.addi by 0).
    if (id === 'c.addi' && o.rd === 0) return p.line('c.nop', [p.imm(o.imm)]);
    if (!aliases) return fromTemplate(p, d.rvc.enc, o);
    if ((id === 'c.srli' || id === 'c.srai' || id === 'c.slli') && o.imm === 0) return p.line(`${id}64`, [p.reg(o.rd)]);
    if (o.rd === 0 && RVC_HINT_RD0.has(id)) return fromTemplate(p, d.rvc.enc, o);
    if (id === 'c.addi' && o.imm === 0) {
      return p.style === 'gnu' ? p.line('add', [p.reg(o.rd), p.reg(o.rd), '0']) : fromTemplate(p, d.rvc.enc, o);
    }
    if (id === 'c.mv') return p.line('mv', [p.reg(o.rd), p.reg(o.rs2)]);
  }
  if (aliases) {
    const a = alias(p, d.def.id, d.ops, d.enc);
    if (a !== undefined) return a;
    if (p.style === 'llvm') {
      const short = shortAlias(d.enc, d.ops);
      if (short) return fromTemplate(p, { ...d.enc, mnemonic: short.mnemonic, syntax: short.syntax }, d.ops);
    }
  }
  return fromTemplate(p, d.enc, d.ops);
}
