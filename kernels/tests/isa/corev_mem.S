# corev_mem.S -- CORE-V v2 (CV32E40P, LLVM 19 `cv.*` syntax) version of xpulp_mem.S: post-increment and register-offset loads/stores, cv.elw (CORE-V syntax).
# Fact sheet §4.9: the access uses the old base, rs1 += offset afterwards; with rd == rs1 the loaded data wins.
# data bytes: 0d f0 ad 8b 78 56 34 12, then zeros.
.include "test.inc"
TEST_BEGIN
  la s0, data
  mv a0, s0
  CASE 1
  cv.lw a1, (a0), 4
  CHECK a1, 0x8badf00d
  sub a2, a0, s0
  CHECK a2, 4
  CASE 2
  cv.lbu a1, (a0), 1            # byte 4
  CHECK a1, 0x78
  sub a2, a0, s0
  CHECK a2, 5
  CASE 3
  li a3, -5
  cv.lh a1, (a0), a3            # bytes 5, 6 = 56 34; pointer back to data
  CHECK a1, 0x3456
  bne a0, s0, fail
  CASE 4
  li a3, 3
  cv.lb a1, a3(a0)             # byte 3, sign-extended; no increment
  CHECK a1, 0xffffff8b
  bne a0, s0, fail
  cv.lhu a1, a3(a0)            # bytes 3, 4 = 8b 78 (misaligned)
  CHECK a1, 0x788b
  CASE 5
  addi a4, s0, 16
  li a5, 0x11223344
  cv.sw a5, (a4), 4             # word at 16
  cv.sh a5, (a4), 2             # bytes 44 33 at 20
  cv.sb a5, (a4), 1             # byte 44 at 22
  lw a1, 16(s0)
  CHECK a1, 0x11223344
  lw a1, 20(s0)
  CHECK a1, 0x00443344
  sub a2, a4, s0
  CHECK a2, 23
  CASE 6
  li a3, 8
  addi a4, s0, 24
  cv.sw a5, (a4), a3            # word at 24, pointer += 8
  li a3, -4
  cv.sh a5, a3(a4)             # bytes 44 33 at 28, no increment
  lw a1, 28(s0)
  CHECK a1, 0x00003344
  sub a2, a4, s0
  CHECK a2, 32
  lw a1, 24(s0)
  CHECK a1, 0x11223344
  CASE 7
  mv a0, s0
  cv.lw a0, (a0), 4             # rd == rs1: the loaded word wins over the incremented pointer
  CHECK a0, 0x8badf00d
  CASE 8
  cv.elw a1, 4(s0)             # no event unit in the single-core system: a plain word load
  CHECK a1, 0x12345678
  j pass
  .balign 4
data:
  .word 0x8badf00d, 0x12345678, 0, 0, 0, 0, 0, 0, 0, 0
TEST_END
