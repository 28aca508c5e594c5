# rv32i_ldst.S -- loads and stores of every width, sign/zero extension, negative offsets, misaligned accesses
# (legal on these cores, fact sheet §4.14).
.include "test.inc"
TEST_BEGIN
  la s0, data
  CASE 1
  lw a0, 0(s0)
  CHECK a0, 0x8badf00d
  lh a1, 0(s0)
  CHECK a1, 0xfffff00d
  lhu a2, 2(s0)
  CHECK a2, 0x8bad
  lb a3, 3(s0)
  CHECK a3, 0xffffff8b
  lbu a4, 1(s0)
  CHECK a4, 0xf0
  CASE 2
  addi s1, s0, 8
  lw a0, -4(s1)               # data + 4
  CHECK a0, 0x12345678
  CASE 3
  li a0, 0xa1b2c3d4
  sw a0, 8(s0)
  sb a0, 12(s0)
  sh a0, 14(s0)
  lw a1, 8(s0)
  CHECK a1, 0xa1b2c3d4
  lw a2, 12(s0)
  CHECK a2, 0xc3d400d4        # bytes d4 00 d4 c3 (byte 13 still 0)
  CASE 4
  lw a3, 1(s0)                # misaligned word: bytes f0 ad 8b 78
  CHECK a3, 0x788badf0
  lh a4, 3(s0)                # crosses a word: bytes 8b 78
  CHECK a4, 0x788b
  lhu a5, 7(s0)               # bytes 12 d4
  CHECK a5, 0xd412
  CASE 5
  li a0, 0x11223344
  sw a0, 17(s0)               # misaligned store into data + 16 .. data + 23 (zero)
  lw a1, 16(s0)
  CHECK a1, 0x22334400
  lw a2, 20(s0)
  CHECK a2, 0x00000011
  sh a0, 23(s0)               # bytes 44 33 at 23, 24
  lw a3, 20(s0)
  CHECK a3, 0x44000011
  lbu a4, 24(s0)
  CHECK a4, 0x33
  j pass
  .balign 4
data:
  .word 0x8badf00d
  .word 0x12345678
  .word 0
  .word 0
  .word 0
  .word 0
  .word 0
TEST_END
