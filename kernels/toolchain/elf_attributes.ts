// The .riscv.attributes section (RISC-V psABI "Attributes"): format version 'A', then vendor subsections
// (u32 length, NUL-terminated vendor name), each holding sub-subsections (ULEB128 tag, u32 length) of
// attributes (ULEB128 tag; odd tags carry a NUL-terminated string, even tags a ULEB128 number). Only the
// "riscv" vendor's file-scope attributes matter here: Tag_RISCV_arch tells which extensions the code uses,
// which is how an ELF reveals whether it holds CORE-V (`xcv*`) or XpulpV2 (`xpulp*`) encodings.

export const TAG_FILE = 1;
export const TAG_RISCV_STACK_ALIGN = 4;
export const TAG_RISCV_ARCH = 5;
export const TAG_RISCV_UNALIGNED_ACCESS = 6;

export interface RiscvAttributes {
  arch?: string;
  /** Every file-scope attribute of the "riscv" vendor, by tag. */
  values: Map<number, number | string>;
}

/** Parses a .riscv.attributes section; throws a plain Error naming the offset at fault. */
export function parseRiscvAttributes(data: Uint8Array): RiscvAttributes {
  const values = new Map<number, number | string>();
  const out: RiscvAttributes = { values };
  if (data.length === 0) return out;
  if (data[0] !== 0x41) throw new Error(`unknown attributes format version 0x${data[0]!.toString(16)} (expected 'A')`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);

  const uleb = (pos: { at: number }, end: number): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (pos.at >= end) throw new Error(`ULEB128 number at offset ${pos.at} runs past its subsection`);
      const b = data[pos.at++]!;
      result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return result;
    }
  };
  const ntbs = (pos: { at: number }, end: number): string => {
    const start = pos.at;
    while (pos.at < end && data[pos.at] !== 0) pos.at++;
    if (pos.at >= end) throw new Error(`string at offset ${start} is not NUL-terminated inside its subsection`);
    const s = new TextDecoder().decode(data.subarray(start, pos.at));
    pos.at++;
    return s;
  };

  let at = 1;
  while (at < data.length) {
    if (at + 4 > data.length) throw new Error(`subsection length at offset ${at} runs past the section`);
    const len = view.getUint32(at, true);
    const end = at + len;
    if (len < 5 || end > data.length) throw new Error(`subsection at offset ${at} has bad length ${len}`);
    const pos = { at: at + 4 };
    const vendor = ntbs(pos, end);
    while (vendor === 'riscv' && pos.at < end) {
      const subStart = pos.at;
      const tag = uleb(pos, end);
      if (pos.at + 4 > end) throw new Error(`sub-subsection length at offset ${pos.at} runs past its subsection`);
      const subLen = view.getUint32(pos.at, true);
      pos.at += 4;
      const subEnd = subStart + subLen;
      if (subEnd > end || subEnd <= pos.at - 1) throw new Error(`sub-subsection at offset ${subStart} has bad length ${subLen}`);
      if (tag !== TAG_FILE) {
        pos.at = subEnd;
        continue;
      }
      while (pos.at < subEnd) {
        const attr = uleb(pos, subEnd);
        const value = attr % 2 === 1 ? ntbs(pos, subEnd) : uleb(pos, subEnd);
        values.set(attr, value);
      }
    }
    at = end;
  }
  const arch = values.get(TAG_RISCV_ARCH);
  if (typeof arch === 'string') out.arch = arch;
  return out;
}
