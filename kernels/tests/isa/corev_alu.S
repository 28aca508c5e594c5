# corev_alu.S -- CORE-V v2 (CV32E40P, LLVM 19 `cv.*` syntax) version of xpulp_alu.S: ALU extensions: abs, slet, min/max, sign/zero extension, clip (fact sheet §4.5: clip Is2
# bits incl. sign, clipu Is2 = 9 for [0, 255]), addN/subN with rounding (§4.6), cv.beqimm/cv.bneimm (§4.13).
.include "test.inc"
TEST_BEGIN
  CASE 1
  li a0, -5
  cv.abs a1, a0
  CHECK a1, 5
  li a0, 0x80000000
  cv.abs a1, a0
  CHECK a1, 0x80000000
  CASE 2
  li a0, -1
  li a2, 1
  cv.slet a1, a0, a2
  CHECK a1, 1
  cv.sletu a1, a0, a2
  CHECK a1, 0
  cv.slet a1, a2, a2
  CHECK a1, 1
  CASE 3
  li a0, -3
  li a2, 2
  cv.min a1, a0, a2
  CHECK a1, -3
  cv.minu a1, a0, a2
  CHECK a1, 2
  cv.max a1, a0, a2
  CHECK a1, 2
  cv.maxu a1, a0, a2
  CHECK a1, 0xfffffffd
  CASE 4
  li a0, 0x12348765
  cv.exths a1, a0
  CHECK a1, 0xffff8765
  cv.exthz a1, a0
  CHECK a1, 0x8765
  li a0, 0x12345680
  cv.extbs a1, a0
  CHECK a1, 0xffffff80
  cv.extbz a1, a0
  CHECK a1, 0x80
  CASE 5
  li a0, 300
  cv.clip a1, a0, 8
  CHECK a1, 127
  li a3, -300
  cv.clip a1, a3, 8
  CHECK a1, -128
  li a4, 5
  cv.clip a1, a4, 8
  CHECK a1, 5
  cv.clipu a1, a0, 9
  CHECK a1, 255
  cv.clipu a1, a3, 9
  CHECK a1, 0
  CASE 6
  li a2, 100
  cv.clipr a1, a0, a2          # [-(100 + 1), 100]
  CHECK a1, 100
  cv.clipr a1, a3, a2
  CHECK a1, -101
  li a2, 255
  cv.clipur a1, a0, a2
  CHECK a1, 255
  cv.clipur a1, a3, a2
  CHECK a1, 0
  CASE 7
  li a0, 7
  li a2, 6
  cv.addn a1, a0, a2, 2        # 13 >> 2
  CHECK a1, 3
  cv.addrn a1, a0, a2, 2       # (13 + 2) >> 2
  CHECK a1, 3
  li a0, 8
  cv.addrn a1, a0, a2, 2       # (14 + 2) >> 2
  CHECK a1, 4
  li a0, -7
  cv.addn a1, a0, x0, 2        # arithmetic: -7 >> 2
  CHECK a1, -2
  cv.addun a1, a0, x0, 2       # logical
  CHECK a1, 0x3ffffffe
  CASE 8
  li a0, 13
  cv.subn a1, a0, x0, 1
  CHECK a1, 6
  cv.subrn a1, a0, x0, 1       # (13 + 1) >> 1
  CHECK a1, 7
  li a1, 10
  li a0, 6
  li a2, 2
  cv.addnr a1, a0, a2          # rd = (rd + rs1) >> rs2
  CHECK a1, 4
  CASE 9
  li a0, -3
  cv.beqimm a0, -3, 1f
  j fail
1:
  cv.bneimm a0, -3, fail
  cv.bneimm a0, 15, 2f
  j fail
2:
  cv.beqimm a0, 3, fail
  j pass
TEST_END
