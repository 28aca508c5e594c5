# rv32i_branch.S -- conditional branches: taken and not taken, signed and unsigned, forward and backward.
.include "test.inc"
TEST_BEGIN
  li a0, -1
  li a1, 1
  CASE 1
  beq a0, a0, 1f
  j fail
1:
  bne a0, a0, fail
  CASE 2
  blt a0, a1, 1f              # -1 < 1 signed
  j fail
1:
  bltu a0, a1, fail           # 0xffffffff < 1 unsigned: not taken
  CASE 3
  bge a1, a0, 1f
  j fail
1:
  bgeu a1, a0, fail
  bge a0, a0, 1f              # equal: taken
  j fail
1:
  CASE 4
  bgeu a0, a1, 1f
  j fail
1:
  CASE 5
  li a2, 0                    # backward branch loop: 5 iterations
  li a3, 5
2:
  addi a2, a2, 3
  addi a3, a3, -1
  bnez a3, 2b
  CHECK a2, 15
  CASE 6
  li a4, 0
  beqz a4, 1f
  li a4, 99                   # skipped
1:
  CHECK a4, 0
  j pass
TEST_END
