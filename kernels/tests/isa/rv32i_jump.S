# rv32i_jump.S -- jal/jalr: link value = pc + 4, targets, jalr clears bit 0 of the target, rd == rs1.
.option norvc
.include "test.inc"
TEST_BEGIN
  CASE 1
  jal ra, 1f
2:
  j fail
1:
  la a0, 2b
  bne ra, a0, fail            # link = address after the jal
  CASE 2
  la a1, 3f
  jalr a2, 0(a1)
4:
  j fail
3:
  la a0, 4b
  bne a2, a0, fail
  CASE 3
  la a1, 5f
  addi a1, a1, -7
  jalr x0, 8(a1)              # target = (5f + 1) & ~1 = 5f
  j fail
5:
  CASE 4
  la a1, 6f
  jalr a1, 0(a1)              # rd == rs1: target uses the old value
7:
  j fail
6:
  la a0, 7b
  bne a1, a0, fail
  CASE 5
  li a3, 0
  call sub1                   # auipc + jalr pair
  CHECK a3, 42
  j pass
sub1:
  li a3, 42
  ret
TEST_END
