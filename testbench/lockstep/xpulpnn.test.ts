// The XpulpNN nibble/crumb dot products on the signal-level core: off by default (illegal instruction), and,
// when the configuration switches them on, retired exactly as the ISS retires them.
import { describe, expect, it } from 'vitest';
import { preset } from '../../rtl/config/index.ts';
import { buildElf } from '../../kernels/toolchain/asm/index.ts';
import { Testbench } from '../system/testbench.ts';
import { Lockstep } from './lockstep.ts';

// a0 = 100 + sum over 8 nibbles of (1..8) * (-1) = 64; then a crumb dot product of 16 lanes of 3 * 1 = 48
// accumulated onto it = 112 (worked out by hand). tohost = 1 when both match.
const SOURCE = `
  .option xpulpnn
  .text
  .globl _start
trap:
  j fail
  .org 0x80
_start:
  li a0, 100
  li a1, 0x87654321
  li a2, -1
  pv.sdotusp.n a0, a1, a2
  li t0, 64
  bne a0, t0, fail
  li a1, -1
  li a2, 0x55555555
  pv.sdotusp.c a0, a1, a2
  li t0, 112
  bne a0, t0, fail
  li t1, 1
  j done
fail:
  li t1, 3
done:
  la t2, tohost
  sw t1, 0(t2)
1: j 1b
  .data
  .globl tohost
tohost: .word 0
`;

function build(xpulpnn: boolean) {
  const cfg = preset('ri5cy');
  if (xpulpnn) cfg.core.isa = { xpulpnn: true };
  return { cfg, elf: buildElf(SOURCE, 'xpulpnn.S', cfg).elf };
}

describe('XpulpNN on the core', () => {
  it('retires the nibble and crumb dot products as the ISS does when enabled', () => {
    const { cfg, elf } = build(true);
    const r = new Lockstep(new Testbench(cfg, elf)).run(2000);
    expect(r.divergence?.report ?? 'none').toBe('none');
    expect(r.run.tohost).toBe(1);
  });
  it('traps them as illegal instructions by default', () => {
    const { elf } = build(true);
    const tb = new Testbench(preset('ri5cy'), elf);
    const run = tb.run(2000);
    // The trap vector at 0x0 jumps to fail: tohost = 3.
    expect(run.tohost).toBe(3);
  });
});
