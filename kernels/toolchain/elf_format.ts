// Numbers of the ELF32 format (System V gABI) and of the RISC-V psABI that the reader and the writer share.

export const EM_RISCV = 243;
export const ET_REL = 1;
export const ET_EXEC = 2;

export const PT_LOAD = 1;
export const PT_RISCV_ATTRIBUTES = 0x7000_0003;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_NOBITS = 8;
export const SHT_RISCV_ATTRIBUTES = 0x7000_0003;

export const SHF_WRITE = 1;
export const SHF_ALLOC = 2;
export const SHF_EXECINSTR = 4;

export const SHN_UNDEF = 0;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_LORESERVE = 0xff00;
export const SHN_XINDEX = 0xffff;

/** e_flags bit: the code may contain compressed (RVC) instructions. */
export const EF_RISCV_RVC = 0x1;

export const EHDR_SIZE = 52;
export const PHDR_SIZE = 32;
export const SHDR_SIZE = 40;
export const SYM_SIZE = 16;

export type SymbolType = 'notype' | 'object' | 'func' | 'section' | 'file' | 'common' | 'tls' | 'other';
export type SymbolBind = 'local' | 'global' | 'weak' | 'other';
