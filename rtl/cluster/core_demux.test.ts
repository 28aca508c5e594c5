// Address decoding of the core demux and the peripheral interconnect against the fact sheet's map
// (pulp-cluster.md §1 "How a core's data request is routed", "Cluster memory map").
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dest, demuxDest } from './core_demux.ts';
import { Target, periphTarget } from './periph_interco.ts';

describe('core demux destination', () => {
  it('TCDM (0x100/0x101 and the local alias 0x000/0x001 in address[31:20]) goes to the interconnect', () => {
    for (const a of [0x1000_0000, 0x1000_fff0, 0x1010_e100, 0x101f_fffc, 0x0000_0000, 0x001f_fffc]) expect(demuxDest(a), a.toString(16)).toBe(Dest.SH);
  });
  it('0x102 with address bit 14 goes to the demux peripherals; the rest of 0x102 and everything else to the peripheral interconnect', () => {
    for (const a of [0x1020_4000, 0x1020_421c, 0x1020_7ffc]) expect(demuxDest(a), a.toString(16)).toBe(Dest.EXT);
    for (const a of [0x1020_0000, 0x1020_1400, 0x1020_3ffc, 0x1020_8000, 0x1c00_0000, 0x1a00_0000, 0x1030_0000]) expect(demuxDest(a), a.toString(16)).toBe(Dest.PE);
  });
  it('every address has exactly the destination the three rules give', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (a) => {
        const hi = a >>> 20;
        const want = hi === 0x100 || hi === 0x101 || hi === 0 || hi === 1 ? Dest.SH : hi === 0x102 && a & 0x4000 ? Dest.EXT : Dest.PE;
        expect(demuxDest(a)).toBe(want);
      }),
    );
  });
});

describe('peripheral interconnect targets', () => {
  it('cluster peripheral slots: control unit at 0x1020_0000, I$ control at +0x1400 (slot 5); outside the cluster: per2axi', () => {
    expect(periphTarget(0x1020_0000)).toBe(Target.CTRL);
    expect(periphTarget(0x1020_0040)).toBe(Target.CTRL);
    expect(periphTarget(0x1020_1400)).toBe(Target.ICACHE);
    expect(periphTarget(0x1020_17fc)).toBe(Target.ICACHE);
    expect(periphTarget(0x1020_1800)).toBe(Target.CTRL);
    expect(periphTarget(0x1c00_0000)).toBe(Target.EXT);
    expect(periphTarget(0x1a10_0000)).toBe(Target.EXT);
  });
});
