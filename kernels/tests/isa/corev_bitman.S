# corev_bitman.S -- CORE-V v2 (CV32E40P, LLVM 19 `cv.*` syntax) version of xpulp_bitman.S: bit manipulation (fact sheet §4.1-4.4): field width is Is3 + 1 starting at Is2;
# ff1/fl1 give 32 for 0; clb counts redundant sign bits (0 for 0). cv.bitrev is left out (illegal on RI5CY v1.0).
.include "test.inc"
TEST_BEGIN
  li a0, 0x0000f0a0
  CASE 1
  cv.extract a1, a0, 3, 4      # bits 7:4 = 1010, sign-extended
  CHECK a1, 0xfffffffa
  cv.extractu a1, a0, 3, 4
  CHECK a1, 0xa
  cv.extractu a1, a0, 7, 8     # bits 15:8
  CHECK a1, 0xf0
  CASE 2
  li a2, (3 << 5) | 4         # register form: width-1 in 9:5, offset in 4:0
  cv.extractr a1, a0, a2
  CHECK a1, 0xfffffffa
  cv.extractur a1, a0, a2
  CHECK a1, 0xa
  CASE 3
  li a1, 0xffffffff
  li a3, 5
  cv.insert a1, a3, 3, 8       # bits 11:8 = 0101, rest of rd kept
  CHECK a1, 0xfffff5ff
  li a1, 0
  li a2, (3 << 5) | 28
  cv.insertr a1, a3, a2        # bits 31:28 = 0101
  CHECK a1, 0x50000000
  CASE 4
  li a3, 0xffffffff
  cv.bclr a1, a3, 7, 4         # clear bits 11:4
  CHECK a1, 0xfffff00f
  cv.bset a1, x0, 3, 28        # set bits 31:28
  CHECK a1, 0xf0000000
  li a2, (7 << 5) | 4
  cv.bclrr a1, a3, a2
  CHECK a1, 0xfffff00f
  cv.bsetr a1, x0, a2          # set bits 11:4
  CHECK a1, 0x00000ff0
  CASE 5
  li a3, 0x00000100
  cv.ff1 a1, a3
  CHECK a1, 8
  cv.fl1 a1, a3
  CHECK a1, 8
  cv.ff1 a1, x0
  CHECK a1, 32
  cv.fl1 a1, x0
  CHECK a1, 32
  li a3, 0x80000001
  cv.ff1 a1, a3
  CHECK a1, 0
  cv.fl1 a1, a3
  CHECK a1, 31
  CASE 6
  li a3, 0x0000ffff
  cv.clb a1, a3                # 16 leading zeros -> 15 redundant sign bits
  CHECK a1, 15
  li a3, 0xffff0000
  cv.clb a1, a3
  CHECK a1, 15
  cv.clb a1, x0
  CHECK a1, 0
  li a3, 1
  cv.clb a1, a3
  CHECK a1, 30
  CASE 7
  li a3, 0xf0f0f0f1
  cv.cnt a1, a3
  CHECK a1, 17
  li a3, 0x12345678
  li a2, 8
  cv.ror a1, a3, a2
  CHECK a1, 0x78123456
  li a2, 36                   # amount mod 32
  cv.ror a1, a3, a2
  CHECK a1, 0x81234567
  j pass
TEST_END
