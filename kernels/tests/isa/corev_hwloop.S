# corev_hwloop.S -- CV32E40P hardware loops (fact sheet §3.4, §6; CV corev_hw_loop.rst): the end label is the
# FIRST instruction after the body (exclusive); bodies of >= 3 word-aligned 32-bit instructions; the count reads
# 0 after the loop exits (lpcount0 = CSR 0xCC2, read-only); loop 0 is the inner loop; count 1 runs once.
.option norvc
.include "test.inc"
TEST_BEGIN
  CASE 1
  li a0, 0
  li a1, 0
  cv.setupi 0, 5, 1f
  addi a0, a0, 1
  addi a1, a1, 2
  nop
1:
  CHECK a0, 5
  CHECK a1, 10
  csrr a2, 0xcc2
  CHECK a2, 0
  CASE 2
  li a0, 0
  li a2, 7
  cv.setup 0, a2, 2f
  addi a0, a0, 3
  nop
  nop
2:
  CHECK a0, 21
  CASE 3
  li a0, 0                    # count 1: the body runs once
  cv.setupi 0, 1, 3f
  addi a0, a0, 1
  addi a0, a0, 1
  addi a0, a0, 1
3:
  CHECK a0, 3
  CASE 4
  li a0, 0                    # nested: outer (1) x3, inner (0) x4, outer end 8 bytes after the inner end
  li a1, 0
  li a3, 3
  cv.setup 1, a3, 5f
  cv.setupi 0, 4, 4f
  addi a0, a0, 1
  nop
  nop
4:
  addi a1, a1, 1
  nop
5:
  CHECK a0, 12
  CHECK a1, 3
  CASE 5
  li a0, 0                    # separate start/end/count set-up, register forms
  la a4, 6f
  la a5, 7f
  cv.start 1, a4
  cv.end 1, a5
  cv.counti 1, 4
6:
  addi a0, a0, 5
  addi a0, a0, -1
  nop
7:
  CHECK a0, 16
  csrr a2, 0xcc5              # lpend1
  bne a2, a5, fail
  CASE 6
  li a0, 0
  li a2, 3
  cv.count 0, a2
  cv.starti 0, 8f
  cv.endi 0, 9f
8:
  addi a0, a0, 1
  addi a0, a0, 1
  nop
9:
  CHECK a0, 6
  csrr a2, 0xcc2
  CHECK a2, 0
  j pass
TEST_END
