# xpulp_mac.S -- cv.mac/cv.msu (32-bit) and the 16x16 multiply/multiply-accumulate forms with normalisation and
# rounding (fact sheet §4.7): lo/hi halves sign- or zero-extended, product (+ rD) (+ 2^(Is3-1)) >> Is3.
.include "test.inc"
TEST_BEGIN
  CASE 1
  li a1, 10
  li a2, 3
  li a3, -4
  cv.mac a1, a2, a3            # 10 + 3 * -4
  CHECK a1, -2
  li a1, 10
  cv.msu a1, a2, a3            # 10 - (3 * -4)
  CHECK a1, 22
  CASE 2
  li a2, 0x0001fffe           # hi 1, lo -2 (0xfffe)
  li a3, 0x00070003           # hi 7, lo 3
  cv.mulsn a1, a2, a3, 1       # (-2 * 3) >> 1
  CHECK a1, -3
  cv.mulsn a1, a2, a3, 2       # -6 >> 2
  CHECK a1, -2
  cv.mulsrn a1, a2, a3, 2      # (-6 + 2) >> 2
  CHECK a1, -1
  cv.mulhhsn a1, a2, a3, 1     # (1 * 7) >> 1
  CHECK a1, 3
  cv.mulun a1, a2, a3, 1       # (0xfffe * 3) >>> 1 = 196602 >> 1
  CHECK a1, 98301
  CASE 3
  li a1, 100
  cv.macsn a1, a2, a3, 1       # (-6 + 100) >> 1
  CHECK a1, 47
  li a1, 100
  cv.machhun a1, a2, a3, 0     # 1 * 7 + 100
  CHECK a1, 107
  li a1, 100
  cv.macurn a1, a2, a3, 4      # (196602 + 100 + 8) >> 4
  CHECK a1, 12294
  j pass
TEST_END
