# hwloops8: on every core, the shapes of hardware loops the cluster system programs do not use (they use loop 0
# alone), through the cores' L0 prefetch buffer: loop 1 around loop 0 and loop 0 around loop 1 (the outer loop
# jumps at its own end address, the inner loop does not), loop 1 alone with a compressed body and a compressed last
# instruction, then misaligned word and halfword accesses to the TCDM and a multiply and a divide. Trip counts
# depend on the core id, so the cores' loops end in different cycles. Every result is checked against its value by
# hand (below each block); core 0 stores 1 to tohost after a barrier, any core stores 3 on a wrong value.
# Scaffolding: cl.inc of the cluster system vectors.
.include "cl.inc"
.equ SCRATCH, 0x10002000
.text
.globl _start
_start:
  BOOT
  BARRIER
  # loop 1 (x4) around loop 0 (x core+2): a0 = 4 * (core + 2), a1 = 4
  li a0, 0
  li a1, 0
  addi t1, s0, 2
  lp.setupi 1, 4, 2f
  addi a1, a1, 1
  lp.setup 0, t1, 1f
  addi a0, a0, 1
1: addi a2, a2, 1
2: addi a3, a3, 1
  slli t0, t1, 2
  bne a0, t0, fail
  li t0, 4
  bne a1, t0, fail
  # loop 0 (x3) around loop 1 (x core+5): a0 = 3 * (core + 5), a1 = 3
  li a0, 0
  li a1, 0
  addi t1, s0, 5
  lp.setupi 0, 3, 4f
  addi a1, a1, 1
  lp.setup 1, t1, 3f
  addi a0, a0, 1
3: addi a2, a2, 1
4: addi a3, a3, 1
  slli t0, t1, 1
  add t0, t0, t1
  bne a0, t0, fail
  li t0, 3
  bne a1, t0, fail
  # loop 1 alone (x core+3), compressed body and last instruction: a0 = core + 3, a4 = 2 * (core + 3)
  li a0, 0
  li a4, 0
  addi t1, s0, 3
.option rvc
  lp.setup 1, t1, 5f
  c.addi a4, 2
  c.addi a5, 1
  addi a2, a2, 1
5: c.addi a0, 1
.option norvc
  bne a0, t1, fail
  slli t0, t1, 1
  bne a4, t0, fail
  # misaligned: a word stored at SCRATCH + 16 * core + 1 reads back whole; the halfword at +3 is its upper half
  li t2, SCRATCH
  slli t0, s0, 4
  add t2, t2, t0
  li t3, 0x11223344
  add t3, t3, s0
  sw t3, 1(t2)
  lw t4, 1(t2)
  bne t4, t3, fail
  lh t4, 3(t2)
  li t0, 0x1122
  bne t4, t0, fail
  # multiply and divide: (core + 7) * 1000 / 7 = 1000 + 1000 * core / 7 rounded down; 7001 * 7 % 7 = 0
  addi t0, s0, 7
  li t1, 1000
  mul t3, t0, t1
  li t1, 7
  divu t4, t3, t1
  remu t5, t3, t1
  mul t3, t4, t1
  add t3, t3, t5
  addi t0, s0, 7
  li t1, 1000
  mul t0, t0, t1
  bne t3, t0, fail
  BARRIER
  li a0, 1
  FINISH
fail:
  li a0, 3
  li t6, TOHOST
  sw a0, 0(t6)
  j .
