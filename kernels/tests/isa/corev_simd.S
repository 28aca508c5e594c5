# corev_simd.S -- CORE-V v2 (CV32E40P, LLVM 19 `cv.*` syntax) version of xpulp_simd.S: SIMD (fact sheet §2.4, §2.5, §4.8, §4.11, §4.12): lane arithmetic without saturation,
# .sc replicates rs2's low lane, .sci the immediate; avg at lane width; compares give all-ones lanes; dot products
# with per-variant signedness (usp: rs1 unsigned, rs2 signed) and 32-bit wrapping accumulation; shuffles, packs.
.include "test.inc"
TEST_BEGIN
  CASE 1
  li a0, 0x0001ffff
  li a2, 0x00020001
  cv.add.h a1, a0, a2         # lanes 1+2, 0xffff+1 (wraps)
  CHECK a1, 0x00030000
  li a0, 0x7f80ff01
  li a2, 0x01010101
  cv.add.b a1, a0, a2
  CHECK a1, 0x80810002
  li a0, 0x00050003
  li a2, 0x12340001
  cv.sub.sc.h a1, a0, a2      # minus 1 in both lanes
  CHECK a1, 0x00040002
  li a0, 0x01020304
  cv.add.sci.b a1, a0, -1
  CHECK a1, 0x00010203
  CASE 2
  li a0, 0xfffc0006           # lanes -4, 6
  li a2, 0x00020002
  cv.avg.h a1, a0, a2         # (-4 + 2) >> 1 = -1, (6 + 2) >> 1 = 4
  CHECK a1, 0xffff0004
  li a0, 0xff020406
  li a2, 0x01020202
  cv.avgu.b a1, a0, a2        # 0xff + 1 loses its carry: 0
  CHECK a1, 0x00020304
  CASE 3
  li a0, 0x80017f02
  li a2, 0x01ff0003
  cv.max.b a1, a0, a2
  CHECK a1, 0x01017f03
  cv.maxu.b a1, a0, a2
  CHECK a1, 0x80ff7f03
  cv.min.b a1, a0, a2
  CHECK a1, 0x80ff0002
  CASE 4
  li a0, 0x8000fff0
  cv.sra.sci.h a1, a0, 4
  CHECK a1, 0xf800ffff
  cv.srl.sci.h a1, a0, 4
  CHECK a1, 0x08000fff
  li a0, 0x01020381
  cv.sll.sci.b a1, a0, 1
  CHECK a1, 0x02040602
  CASE 5
  li a0, 0x00050003
  li a2, 0x00050004
  cv.cmpeq.h a1, a0, a2
  CHECK a1, 0xffff0000
  li a0, 0x05fe0300
  li a2, 2
  cv.cmpgt.sc.b a1, a0, a2    # 5 > 2, -2 > 2 no, 3 > 2, 0 > 2 no
  CHECK a1, 0xff00ff00
  cv.cmpgtu.sc.b a1, a0, a2   # 0xfe > 2 unsigned
  CHECK a1, 0xffffff00
  CASE 6
  li a0, 0x80ff017f
  cv.abs.b a1, a0
  CHECK a1, 0x8001017f
  li a0, 0x12f45678
  cv.extract.b a1, a0, 2
  CHECK a1, 0xfffffff4
  cv.extractu.h a1, a0, 1
  CHECK a1, 0x12f4
  li a1, 0x11111111
  li a3, 0xab
  cv.insert.b a1, a3, 3
  CHECK a1, 0xab111111
  CASE 7
  li a0, 0x0002fffd           # lanes 2, -3
  li a2, 0x00040005           # lanes 4, 5
  cv.dotsp.h a1, a0, a2       # 2*4 + (-3)*5
  CHECK a1, -7
  li a0, 0x01020304
  li a2, 0x05060708
  cv.dotup.b a1, a0, a2       # 1*5 + 2*6 + 3*7 + 4*8
  CHECK a1, 70
  li a0, 0xff000000
  li a2, 0xff000000
  cv.dotusp.b a1, a0, a2      # 255 * -1
  CHECK a1, -255
  CASE 8
  li a1, 100
  li a0, 0x01020304
  li a2, -1
  cv.sdotsp.b a1, a0, a2      # 100 - (1 + 2 + 3 + 4)
  CHECK a1, 90
  li a1, 0
  li a0, 0x80808080
  li a2, 2
  cv.sdotusp.sc.b a1, a0, a2  # 4 * 128 * 2
  CHECK a1, 1024
  li a1, 1
  li a0, 0xffff0001
  li a2, 0x00020003
  cv.sdotup.h a1, a0, a2      # 1 + 65535*2 + 1*3
  CHECK a1, 131074
  li a1, 0x7fffffff
  li a0, 0x00010001
  li a2, 0x00010001
  cv.sdotsp.h a1, a0, a2      # wraps, no saturation
  CHECK a1, 0x80000001
  CASE 9
  li a0, 0x11112222
  li a2, 0x00000001           # hi lane selects half 0, lo lane half 1
  cv.shuffle.h a1, a0, a2
  CHECK a1, 0x22221111
  cv.shuffle.sci.h a1, a0, 1
  CHECK a1, 0x22221111
  li a0, 0x44332211
  li a2, 0x00010203
  cv.shuffle.b a1, a0, a2
  CHECK a1, 0x11223344
  cv.shufflei0.sci.b a1, a0, 27   # byte3 = byte 0; I = 01 10 11 -> bytes 1, 2, 3
  CHECK a1, 0x11223344
  li a1, 0xaaaabbbb
  li a0, 0x11112222
  li a2, 0x00020001           # hi: rs1 half 0; lo: old rd half 1
  cv.shuffle2.h a1, a0, a2
  CHECK a1, 0x2222aaaa
  CASE 10
  li a0, 0x1234abcd
  li a2, 0x5678ef01
  cv.pack a1, a0, a2
  CHECK a1, 0xabcdef01
  li a1, 0x11223344
  li a0, 0xaa
  li a2, 0xbb
  cv.packhi.b a1, a0, a2
  CHECK a1, 0xaabb3344
  li a0, 0xcc
  li a2, 0xdd
  cv.packlo.b a1, a0, a2
  CHECK a1, 0xaabbccdd
  j pass
TEST_END
