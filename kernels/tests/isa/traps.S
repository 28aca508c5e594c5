# traps.S -- synchronous traps common to the three cores: ecall (mcause 11), illegal instruction (mcause 2) from
# an undecodable 32-bit word and from the all-zero 16-bit word (c.unimp); mepc = the trapping instruction; mret
# returns to mepc; mstatus.MIE moves to MPIE on the trap and back on mret.
.include "test.inc"
TEST_BEGIN
  CASE 1
  EXPECT_TRAP 11
  ecall
  CHECK s10, 1
  CHECK s11, 0
  CASE 2
  EXPECT_TRAP 2
  .word 0xffffffff
  CHECK s10, 2
  CASE 3
  EXPECT_TRAP 2, 2
  .half 0x0000                # c.unimp
  CHECK s10, 3
  CASE 4
  la t0, 1f
  csrw mepc, t0
  li t0, 8
  csrs mstatus, t0            # MIE = 1 (no interrupt source: nothing happens)
  mret
  j fail
1:
  CASE 5
  csrr a0, mstatus            # mret: MIE = MPIE (1 after the earlier traps' mret), MPIE = 1
  CHECK a0, 0x1888
  EXPECT_TRAP 11
  ecall
  csrr a0, mstatus            # trap: MPIE = MIE = 1, MIE = 0; the handler's mret restored MIE = 1
  CHECK a0, 0x1888
  CASE 6
  la t0, 2f
  EXPECT_TRAP 11
2:
  ecall
  csrr a1, mepc               # the handler advanced mepc by 4
  addi t0, t0, 4
  bne a1, t0, fail
  csrr a2, mcause
  CHECK a2, 11
  j pass
TEST_END
