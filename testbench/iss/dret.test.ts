// dret outside debug mode (debug mode is not modelled): CV32E40P's decoder makes it illegal
// (`illegal_insn_o = !debug_mode_i`), RI5CY v3.4.0 decodes it in any mode and jumps to dpc (controller
// XRET_JUMP with PC_DRET), RI5CY v1.0's decoder has no dret (SYSTEM funct12 0x7b2 is the illegal default).
import { describe, expect, it } from 'vitest';
import { type CoreVersion, preset } from '../../rtl/config/index.ts';
import { Iss } from './iss.ts';

const DRET = 0x7b200073;
// csrrw x0, dpc (0x7b1), x5 and addi x5, x0, 0x40 (hand-encoded I-type words).
const CSRRW_DPC_X5 = ((0x7b1 << 20) | (5 << 15) | (1 << 12) | 0x73) >>> 0;
const ADDI_X5_0X40 = ((0x40 << 20) | (5 << 7) | 0x13) >>> 0;
const BASE = 0x80;

function machine(version: CoreVersion, words: number[]): Iss {
  const iss = new Iss(preset(version), { maxInstructions: 100 });
  words.forEach((w, i) => iss.writeMem(BASE + 4 * i, 4, w));
  iss.reset(BASE, 0x7f0);
  return iss;
}

describe('dret outside debug mode', () => {
  it('is illegal on CV32E40P and RI5CY v1.0 (mcause 2, mepc = its pc)', () => {
    for (const v of ['cv32e40p', 'ri5cy_v1'] as const) {
      const iss = machine(v, [DRET]);
      const t = iss.step();
      expect(t.trap?.cause, v).toBe(2);
      expect(iss.csrs.mepc, v).toBe(BASE);
    }
  });
  it('jumps to dpc on RI5CY v3.4.0', () => {
    const iss = machine('ri5cy', [ADDI_X5_0X40, CSRRW_DPC_X5, DRET]);
    iss.step();
    iss.step();
    const r = iss.step();
    expect(r.trap).toBeUndefined();
    expect(r.next).toBe(0x40);
  });
});
