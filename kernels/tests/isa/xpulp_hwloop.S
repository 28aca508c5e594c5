# xpulp_hwloop.S -- RI5CY hardware loops (fact sheet §4.10): the end label is the LAST instruction of the body
# (inclusive); the count stays 1 after the loop exits; loop 0 is the inner loop; count 1 runs the body once;
# equal end addresses: when loop 0 exits, loop 1 continues. lpcount0 is CSR 0x7C2 on v3.4.0, 0x7B2 on v1.0, so
# the count is checked through the architectural effect only.
.include "test.inc"
TEST_BEGIN
  CASE 1
  li a0, 0
  li a1, 0
  lp.setupi 0, 5, 1f
  addi a0, a0, 1
1:
  addi a1, a1, 2
  CHECK a0, 5
  CHECK a1, 10
  CASE 2
  li a0, 0
  li a2, 7
  lp.setup 0, a2, 2f
  addi a0, a0, 3
2:
  nop
  CHECK a0, 21
  CASE 3
  li a0, 0                    # count 1: the body runs once
  lp.setupi 0, 1, 3f
  addi a0, a0, 1
3:
  addi a0, a0, 1
  CHECK a0, 2
  CASE 4
  li a0, 0                    # nested: outer (1) x3, inner (0) x4
  li a1, 0
  li a3, 3
  lp.setup 1, a3, 5f
  lp.setupi 0, 4, 4f
  addi a0, a0, 1
4:
  nop
5:
  addi a1, a1, 1
  CHECK a0, 12
  CHECK a1, 3
  CASE 5
  li a0, 0                    # same end: outer x2 around an inner x3 ending at the same instruction
  li a1, 0
  lp.setupi 1, 2, 6f
  addi a1, a1, 1
  lp.setupi 0, 3, 6f
  addi a0, a0, 1
6:
  nop
  CHECK a0, 6
  CHECK a1, 2
  CASE 6
  li a0, 0                    # separate start/end/count set-up
  lp.starti 1, 7f
  lp.endi 1, 8f
  lp.counti 1, 4
7:
  addi a0, a0, 5
8:
  addi a0, a0, -1
  CHECK a0, 16
  CASE 7
  li a0, 0
  li a2, 3
  lp.count 0, a2
  lp.starti 0, 9f
  lp.endi 0, 10f
9:
  addi a0, a0, 1
10:
  addi a0, a0, 1
  CHECK a0, 6
  j pass
TEST_END
