# rv32m.S -- multiply and divide including the spec's division edge cases (unprivileged spec 7.2, table
# "Semantics for division by zero and division overflow"): x/0 = -1 (all ones), x%0 = x, MIN/-1 = MIN, MIN%-1 = 0.
.include "test.inc"
TEST_BEGIN
  CASE 1
  li a0, 123456
  li a1, -789
  mul a2, a0, a1
  CHECK a2, -97406784         # 123456 * -789
  CASE 2
  li a0, 0x80000000
  li a1, 0x80000000
  mulh a2, a0, a1             # 2^62 -> high word 0x40000000
  CHECK a2, 0x40000000
  mulhu a3, a0, a1            # 2^62 unsigned as well
  CHECK a3, 0x40000000
  li a1, -1
  mulhsu a4, a0, a1           # -2^31 * (2^32 - 1) = -2^63 + 2^31 = 0x80000000_80000000
  CHECK a4, 0x80000000
  mulh a5, a1, a1             # (-1)(-1) = 1 -> high 0
  CHECK a5, 0
  mulhu a6, a1, a1            # (2^32-1)^2 = 2^64 - 2^33 + 1 -> high 0xfffffffe
  CHECK a6, 0xfffffffe
  CASE 3
  li a0, -7
  li a1, 2
  div a2, a0, a1              # truncates toward zero
  CHECK a2, -3
  rem a3, a0, a1              # sign of the dividend
  CHECK a3, -1
  divu a4, a0, a1             # 0xfffffff9 / 2
  CHECK a4, 0x7ffffffc
  remu a5, a0, a1
  CHECK a5, 1
  CASE 4
  li a0, 17
  div a2, a0, x0
  CHECK a2, -1
  divu a3, a0, x0
  CHECK a3, 0xffffffff
  rem a4, a0, x0
  CHECK a4, 17
  remu a5, a0, x0
  CHECK a5, 17
  CASE 5
  li a0, 0x80000000
  li a1, -1
  div a2, a0, a1
  CHECK a2, 0x80000000
  rem a3, a0, a1
  CHECK a3, 0
  divu a4, a0, a1             # 0x80000000 / 0xffffffff = 0
  CHECK a4, 0
  remu a5, a0, a1
  CHECK a5, 0x80000000
  j pass
TEST_END
