# rv32i_alu.S -- RV32I register and immediate arithmetic, logic, shifts, compares, lui/auipc.
# Expected values computed by hand from the RISC-V unprivileged spec ch. 2.4.
.include "test.inc"
TEST_BEGIN
  CASE 1
  li a0, 0x7fffffff
  li a1, 1
  add a2, a0, a1
  CHECK a2, 0x80000000        # signed overflow wraps
  CASE 2
  sub a2, a1, a0
  CHECK a2, 0x80000002        # 1 - 0x7fffffff
  CASE 3
  addi a2, a1, -2048
  CHECK a2, -2047
  CASE 4
  li a0, 0xff00ff00
  li a1, 0x0ff00ff0
  and a2, a0, a1
  CHECK a2, 0x0f000f00
  or a3, a0, a1
  CHECK a3, 0xfff0fff0
  xor a4, a0, a1
  CHECK a4, 0xf0f0f0f0
  CASE 5
  andi a2, a0, -16            # imm sign-extends to 0xfffffff0
  CHECK a2, 0xff00ff00
  ori a3, a1, 0x70f
  CHECK a3, 0x0ff00fff
  xori a4, a0, -1             # not
  CHECK a4, 0x00ff00ff
  CASE 6
  li a0, 0x80000001
  slli a2, a0, 1
  CHECK a2, 2
  srli a3, a0, 31
  CHECK a3, 1
  srai a4, a0, 4
  CHECK a4, 0xf8000000
  CASE 7
  li a1, 33                   # register shifts use rs2[4:0]: 33 -> 1
  sll a2, a0, a1
  CHECK a2, 2
  srl a3, a0, a1
  CHECK a3, 0x40000000
  sra a4, a0, a1
  CHECK a4, 0xc0000000
  CASE 8
  li a0, -1
  li a1, 1
  slt a2, a0, a1
  CHECK a2, 1
  sltu a3, a0, a1             # 0xffffffff > 1 unsigned
  CHECK a3, 0
  slti a4, a0, 0
  CHECK a4, 1
  sltiu a5, a1, -1            # 1 < 0xffffffff
  CHECK a5, 1
  CASE 9
  lui a2, 0xfffff
  CHECK a2, 0xfffff000
  1: auipc a3, 0x1
  la a4, 1b
  sub a3, a3, a4
  CHECK a3, 0x1000
  CASE 10
  add x0, a0, a0              # writes to x0 are ignored
  CHECK x0, 0
  li a0, 5
  sub a0, x0, a0
  CHECK a0, -5
  j pass
TEST_END
