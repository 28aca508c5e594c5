// What the assembler hands to the linker: sections with their bytes, the relocations the linker must resolve,
// and the symbols. A relocation that patches an instruction keeps the instruction's table encoding and its
// other operands, so the linker re-encodes the whole word through the table (a target out of range is then a
// clear link error naming the use site).
import type { Encoding, OperandName, Operands } from '../../../rtl/isa/types.ts';
import type { SourceLoc } from './diagnostics.ts';

/** A link-time address: a section of this object plus an offset, or an undefined symbol plus an addend. */
export type LinkTarget =
  | { kind: 'abs'; value: number }
  | { kind: 'section'; section: string; offset: number }
  | { kind: 'symbol'; name: string; addend: number };

/**
 * How a field value derives from the target address S and the address P of the patched instruction:
 * `pcrel` S - P; `hi` upper 20 bits of S; `lo` low 12 bits of S; `pcrel_hi` upper 20 bits of S - P;
 * `pcrel_lo`: the target is the address A of an `auipc` carrying a `pcrel_hi` relocation to T, and the value is
 * the low 12 bits of T - A (psABI R_RISCV_PCREL_LO12_*); `abs` S.
 */
export type FieldMode = 'pcrel' | 'hi' | 'lo' | 'pcrel_hi' | 'pcrel_lo' | 'abs';

export type Relocation =
  | {
      kind: 'data';
      offset: number;
      size: 1 | 2 | 4;
      target: LinkTarget;
      loc: SourceLoc;
    }
  | {
      kind: 'field';
      offset: number;
      enc: Encoding;
      /** The other operands of the instruction, already final. */
      ops: Partial<Operands>;
      field: OperandName;
      mode: FieldMode;
      target: LinkTarget;
      loc: SourceLoc;
    };

export interface ObjSection {
  name: string;
  /** NOBITS sections (.bss) have a size but no bytes. */
  nobits: boolean;
  alloc: boolean;
  write: boolean;
  exec: boolean;
  /** Required alignment in bytes (a power of two). */
  align: number;
  size: number;
  /** `size` bytes (all zero for NOBITS). */
  bytes: Uint8Array;
  relocs: Relocation[];
}

export interface ObjSymbol {
  name: string;
  /** Defining section, or null for an absolute symbol (`.equ`). */
  section: string | null;
  value: number;
  global: boolean;
  type?: 'func' | 'object';
  size?: number;
  loc: SourceLoc;
}

export interface AsmObject {
  file: string;
  sections: ObjSection[];
  symbols: ObjSymbol[];
  /** Whether any compressed instruction was emitted (ELF e_flags EF_RISCV_RVC). */
  usesRvc: boolean;
}
