# barrier_stagger: 8 cores meet at HW barrier 0 after per-core delays, for a list of stagger patterns, so the
# wake-up of every core can be timed from the last arrival (testbench/fixtures/timing/cluster/event_unit/README.md
# "Measured HW barrier latency"). Scaffolding: cl.inc of the cluster system vectors.
#
# Inputs, written into TCDM by the testbench before the run:
#   NPAT (word at PATN): number of patterns; DELAYS + 32*p + 4*k: the delay of core k in pattern p, in loop
#   iterations of the spin loop below (0 = arrive at once).
# Per pattern: a sync barrier (all cores leave it in the same cycle), the core's delay, the measured barrier.
# The p.elw of both barriers carry global labels (sync_elw, measured_elw) so a testbench can find the instruction
# that follows each one. Core 0 stores 1 to tohost at the end.
.include "cl.inc"
.equ PATN,   0x10001000
.equ DELAYS, 0x10001100
.text
.globl _start
_start:
  BOOT
  BARRIER
  li s1, DELAYS
  slli t0, s0, 2
  add s1, s1, t0                # &delay[0][core]
  li t0, PATN
  lw s2, 0(t0)                  # patterns left
  beqz s2, done
pattern:
  li t6, BAR0
  .globl sync_elw
sync_elw:
  p.elw t6, 0x1C, t6            # sync: every core wakes in the same cycle
  lw t0, 0(s1)
  beqz t0, arrive
spin:
  addi t0, t0, -1
  bnez t0, spin
arrive:
  li t6, BAR0
  .globl measured_elw
measured_elw:
  p.elw t6, 0x1C, t6            # the measured barrier (HW_BARR_TRIGGER_WAIT_CLEAR)
  addi s1, s1, 32
  addi s2, s2, -1
  bnez s2, pattern
done:
  li a0, 1
  FINISH
fail:
  li a0, 3
  li t6, TOHOST
  sw a0, 0(t6)
  j .
