# xpulp_mem.S -- XpulpV2 post-increment and register-offset loads/stores, p.elw (PULP GCC syntax).
# Fact sheet §4.9: the access uses the old base, rs1 += offset afterwards; with rd == rs1 the loaded data wins.
# data bytes: 0d f0 ad 8b 78 56 34 12, then zeros.
.include "test.inc"
TEST_BEGIN
  la s0, data
  mv a0, s0
  CASE 1
  p.lw a1, 4(a0!)
  CHECK a1, 0x8badf00d
  sub a2, a0, s0
  CHECK a2, 4
  CASE 2
  p.lbu a1, 1(a0!)            # byte 4
  CHECK a1, 0x78
  sub a2, a0, s0
  CHECK a2, 5
  CASE 3
  li a3, -5
  p.lh a1, a3(a0!)            # bytes 5, 6 = 56 34; pointer back to data
  CHECK a1, 0x3456
  bne a0, s0, fail
  CASE 4
  li a3, 3
  p.lb a1, a3(a0)             # byte 3, sign-extended; no increment
  CHECK a1, 0xffffff8b
  bne a0, s0, fail
  p.lhu a1, a3(a0)            # bytes 3, 4 = 8b 78 (misaligned)
  CHECK a1, 0x788b
  CASE 5
  addi a4, s0, 16
  li a5, 0x11223344
  p.sw a5, 4(a4!)             # word at 16
  p.sh a5, 2(a4!)             # bytes 44 33 at 20
  p.sb a5, 1(a4!)             # byte 44 at 22
  lw a1, 16(s0)
  CHECK a1, 0x11223344
  lw a1, 20(s0)
  CHECK a1, 0x00443344
  sub a2, a4, s0
  CHECK a2, 23
  CASE 6
  li a3, 8
  addi a4, s0, 24
  p.sw a5, a3(a4!)            # word at 24, pointer += 8
  li a3, -4
  p.sh a5, a3(a4)             # bytes 44 33 at 28, no increment
  lw a1, 28(s0)
  CHECK a1, 0x00003344
  sub a2, a4, s0
  CHECK a2, 32
  lw a1, 24(s0)
  CHECK a1, 0x11223344
  CASE 7
  mv a0, s0
  p.lw a0, 4(a0!)             # rd == rs1: the loaded word wins over the incremented pointer
  CHECK a0, 0x8badf00d
  CASE 8
  p.elw a1, 4(s0)             # no event unit in the single-core system: a plain word load
  CHECK a1, 0x12345678
  j pass
  .balign 4
data:
  .word 0x8badf00d, 0x12345678, 0, 0, 0, 0, 0, 0, 0, 0
TEST_END
