// dret (debug spec 4.8, "dret": 0x7b200073) and its neighbours in the system table.
import { describe, expect, it } from 'vitest';
import { makeDecoder } from './decoder.ts';
import { disassemble } from './disasm.ts';
import { byId } from './table.ts';
import { TestHart } from './testHart.ts';

describe('dret', () => {
  it('decodes in both flavours and only as the exact word', () => {
    for (const f of ['xpulpv2', 'corev'] as const) {
      const dec = makeDecoder(f);
      expect(dec(0x7b200073)?.def.id, f).toBe('dret');
      // rd != 0 or rs1 != 0 is not dret (the RTL requires {rs1, rd} = 0 for SYSTEM funct3 000).
      expect(dec(0x7b200073 | (1 << 7))?.def.id, f).not.toBe('dret');
      expect(dec(0x7b200073 | (1 << 15))?.def.id, f).not.toBe('dret');
    }
  });
  it('has mret timing and hands the request to the controller', () => {
    expect(byId('dret').timing).toBe('mret');
    const h = new TestHart(0x100, 'corev');
    h.run('dret', {});
    expect(h.system_).toEqual(['dret']);
  });
  it('prints as both objdumps do', () => {
    expect(disassemble(0x7b200073, 0, 'xpulpv2')).toBe('dret');
    expect(disassemble(0x7b200073, 0, 'corev')).toBe('dret');
  });
});
