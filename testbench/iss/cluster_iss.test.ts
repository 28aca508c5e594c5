// The cluster ISS's own rules (cluster_iss.ts header): boot, mhartid, the round-robin interleaving, the TCDM
// aliases, the end at core 0's tohost store, and the errors at the instruction limit, on a deadlock and on an
// access outside the map. Programs are bare (no runtime): every core starts at 0x1C000080.
import { describe, expect, it } from 'vitest';
import { gap8ClusterSystem } from '../../rtl/config/index.ts';
import { buildElf } from '../../kernels/toolchain/asm/index.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { ClusterIss, ClusterStopError } from './cluster_iss.ts';

/** `body` at the RI5CY v1.0 reset address (boot 0x1C000000 + 0x80); s0 = core id. */
function cluster(body: string, maxInstructions = 100_000): ClusterIss {
  const cfg = gap8ClusterSystem();
  const src = `
  .option norvc
  .text
  .globl _start
_start:
  .org 0x80
  csrr s0, 0xF14
  andi s0, s0, 0x1F
${body}
`;
  const { elf } = buildElf(src, 'bare.S', cfg, { link: { textBase: 0x1c00_0000 } });
  const c = new ClusterIss(cfg, { maxInstructions });
  c.load(readElf(elf, 'bare.elf'));
  return c;
}

const END = `
  bnez s0, 9f
  li t0, 0x1000FFF0
  li t1, 1
  sw t1, 0(t0)
9: j 9b
`;

function stopError(c: ClusterIss): ClusterStopError {
  try {
    c.run();
  } catch (e) {
    if (e instanceof ClusterStopError) return e;
    throw e;
  }
  throw new Error('the run ended normally');
}

describe('cluster ISS', () => {
  it('every core boots at 0x1C000080 and reads its id from mhartid (0xF14 and 0x014)', () => {
    const c = cluster(`
  li t0, 0x10001000
  slli t1, s0, 3
  add t0, t0, t1
  csrr t2, 0xF14
  sw t2, 0(t0)
  csrr t2, 0x014
  sw t2, 4(t0)
${END}`);
    expect(c.harts.map((h) => h.pc)).toEqual(new Array(8).fill(0x1c00_0080));
    const r = c.run();
    expect(r).toMatchObject({ exit: 'tohost', tohost: 1, core: 0 });
    for (let k = 0; k < 8; k++) {
      expect(c.memory.readWord(0x1000_1000 + 8 * k)).toBe(k);
      expect(c.memory.readWord(0x1000_1004 + 8 * k)).toBe(k);
    }
  });

  it('round robin: one instruction per core per round, cores in id order', () => {
    // Every core stores its id to the same word in the same round (same instruction count): core 7's store is the
    // last of the round. Then each core reads the word back in the next round; all see 7.
    const c = cluster(`
  li t0, 0x10002000
  sw s0, 0(t0)
  lw t1, 0(t0)
  slli t2, s0, 2
  add t2, t2, t0
  sw t1, 4(t2)
${END}`);
    c.run();
    expect(c.memory.readWord(0x1000_2000)).toBe(7);
    for (let k = 0; k < 8; k++) expect(c.memory.readWord(0x1000_2004 + 4 * k), `core ${k}`).toBe(7);
  });

  it('the run ends right after core 0 stores to tohost; another core\'s store does not end it', () => {
    const c = cluster(`
  li t0, 0x1000FFF0
  li t1, 5
  bnez s0, 1f
  li t2, 20
2: addi t2, t2, -1
  bnez t2, 2b
  li t1, 1
1:
  sw t1, 0(t0)
3: j 3b
`);
    const r = c.run();
    expect(r.core).toBe(0);
    expect(r.tohost).toBe(1);
    expect(c.memory.readWord(0x1000_fff0)).toBe(1);
  });

  it('test-and-set alias (bit 20) and local-cluster alias (0x0000_0000)', () => {
    const c = cluster(`
  bnez s0, 9f
  li t0, 0x10003000
  li t1, 0x11223344
  sw t1, 0(t0)
  li t2, 0x10103000
  lw a0, 0(t2)                  # TAS: old value, word := 0xFFFFFFFF
  lw a1, 0(t0)
  li t1, 0x000000AA
  sw t1, 4(t0)
  lbu a2, 4(t2)                 # byte TAS: old byte, that byte := 0xFF
  lw a3, 4(t0)
  li t3, 0x00003008
  li t1, 0x55
  sw t1, 0(t3)                  # local alias
  lw a4, 8(t0)
  li t3, 0x00103008
  lw a5, 0(t3)                  # local TAS alias
  lw a6, 8(t0)
  li t4, 0x10003100
  sw a0, 0(t4)
  sw a1, 4(t4)
  sw a2, 8(t4)
  sw a3, 12(t4)
  sw a4, 16(t4)
  sw a5, 20(t4)
  sw a6, 24(t4)
9:
${END}`);
    c.run();
    const got = [...Array(7).keys()].map((i) => c.memory.readWord(0x1000_3100 + 4 * i));
    expect(got).toEqual([0x11223344, 0xffffffff, 0xaa, 0xff, 0x55, 0x55, 0xffffffff]);
  });

  it('the I$ control register: core 0 enables it, reads it back', () => {
    const c = cluster(`
  bnez s0, 9f
  li t0, 0x10201400
  li t1, 1
  sw t1, 0(t0)
  lw t2, 0(t0)
  lw t3, 0x4C(t0)
  li t0, 0x10004000
  sw t2, 0(t0)
  sw t3, 4(t0)
9:
${END}`);
    c.run();
    expect(c.memory.icacheCtrl.enabled).toBe(true);
    expect(c.memory.readWord(0x1000_4000)).toBe(1);
    expect(c.memory.readWord(0x1000_4004)).toBe(0xffffffff);
  });

  it('instruction limit: an error listing every core\'s pc', () => {
    const c = cluster(`1: j 1b`, 1000);
    const e = stopError(c);
    expect(e.kind).toBe('limit');
    expect(e.message).toMatch(/instruction limit of 1000/);
    for (let k = 0; k < 8; k++) expect(e.message).toContain(`core ${k}: pc 0x1c000088, awake`);
    expect(e.harts.map((h) => h.core)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('deadlock: every core asleep on EVT_WAIT with an empty mask', () => {
    const c = cluster(`
  li t0, 0x10204000             # one lui: the p.elw is at 0x8C
  p.elw t1, 0x3C(t0)
`);
    const e = stopError(c);
    expect(e.kind).toBe('deadlock');
    expect(e.message).toMatch(/every core is asleep/);
    expect(e.message).toContain('core 3: pc 0x1c00008c, asleep (waits on EVT_WAIT at 0x1020403c with event mask 0x00000000');
  });

  it('a barrier through p.elw: nobody passes until all 8 arrive', () => {
    // Core k spins 10k iterations, then arrives; after the barrier every core reads how many have arrived.
    const c = cluster(`
  li t0, 0x10204000
  li t1, 1 << 16
  sw t1, 8(t0)
  li t1, 0xFF
  sw t1, 0x200(t0)
  sw t1, 0x20C(t0)
  li t2, 10
  mul t2, t2, s0
  beqz t2, 2f
1: addi t2, t2, -1
  bnez t2, 1b
2:
  li t3, 0x10005000
  slli t4, s0, 2
  add t4, t4, t3
  li t5, 1
  sw t5, 0(t4)
  p.elw t6, 0x21C(t0)
  li a0, 0
  li a1, 0
3: lw a2, 0(t3)
  add a0, a0, a2
  addi t3, t3, 4
  addi a1, a1, 1
  li a2, 8
  blt a1, a2, 3b
  li t3, 0x10005100
  addi t4, t4, 0x100
  sw a0, 0(t4)
${END}`);
    c.run();
    for (let k = 0; k < 8; k++) expect(c.memory.readWord(0x1000_5100 + 4 * k), `core ${k}`).toBe(8);
  });

  it('an access outside the map names the core, the address and the map', () => {
    const c = cluster(`
  li t0, 3
  bne s0, t0, 1f
  li t1, 0x10010000
  lw t2, 0(t1)
1: j 1b
`);
    expect(() => c.run()).toThrow(/core 3: load of 4 byte\(s\) at 0x10010000 \(pc 0x1c000094\) is outside the memory map: tcdm \[0x10000000/);
  });
});
