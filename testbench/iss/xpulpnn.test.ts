// The XpulpNN nibble dot product is off unless the configuration enables it (rtl/config CoreConfig.isa).
import { describe, expect, it } from 'vitest';
import { preset } from '../../rtl/config/index.ts';
import { Iss } from './iss.ts';

// pv.sdotusp.n a0, a1, a2 (GVSOC isa_pulpnn encoding: funct6 of pv.sdotusp, bit 25 = 0 nibble, funct3 010).
const SDOTUSP_N = 0xa8c5a557;
const BASE = 0x80;

function machine(xpulpnn: boolean): Iss {
  const cfg = preset('ri5cy');
  if (xpulpnn) cfg.core.isa = { xpulpnn: true };
  const iss = new Iss(cfg, { maxInstructions: 10 });
  iss.writeMem(BASE, 4, SDOTUSP_N);
  iss.reset(BASE, 0x7f0);
  return iss;
}

describe('XpulpNN switch in the ISS', () => {
  it('traps as illegal by default', () => {
    const iss = machine(false);
    expect(iss.step().trap?.cause).toBe(2);
  });
  it('executes when the configuration enables it', () => {
    const iss = machine(true);
    // a1 = eight unsigned nibbles 1..8 (lane 0 = 1), a2 = eight signed nibbles all -1, a0 = 100.
    iss.writeReg(11, 0x87654321);
    iss.writeReg(12, 0xffffffff | 0);
    iss.writeReg(10, 100);
    const r = iss.step();
    expect(r.trap).toBeUndefined();
    // 100 + (1+2+...+8) * (-1) = 64, worked out by hand.
    expect(iss.readReg(10)).toBe(64);
  });
});
