# rvc.S -- compressed instructions (RVC, unprivileged spec ch. 16), written with their c.* mnemonics so they stay
# 16-bit; results computed by hand from the expansions.
.option rvc
.include "test.inc"
TEST_BEGIN
  CASE 1
  c.li a0, -5
  c.addi a0, 7
  CHECK a0, 2
  c.lui a1, 0x1f              # 0x1f000
  CHECK a1, 0x1f000
  CASE 2
  c.mv a2, a0
  c.add a2, a1
  CHECK a2, 0x1f002
  c.sub a2, a0                # rd'/rs2' forms (x8..x15)
  CHECK a2, 0x1f000
  CASE 3
  li a3, 0xf0f0
  li a4, 0xff00
  c.and a3, a4
  CHECK a3, 0xf000
  c.or a3, a0
  CHECK a3, 0xf002
  c.xor a3, a4
  CHECK a3, 0x0f02
  c.andi a3, 0x0f
  CHECK a3, 2
  CASE 4
  li a5, 0x80000010
  c.srli a5, 4
  CHECK a5, 0x08000001
  li a5, 0x80000010
  c.srai a5, 4
  CHECK a5, 0xf8000001
  c.slli a5, 4
  CHECK a5, 0x80000010
  CASE 5
  la s0, buf
  li a0, 0x5a5a1234
  c.sw a0, 4(s0)
  c.lw a1, 4(s0)
  CHECK a1, 0x5a5a1234
  addi sp, s0, 16
  c.swsp a0, 0(sp)
  c.lwsp a2, 0(sp)
  CHECK a2, 0x5a5a1234
  c.addi16sp sp, -16
  bne sp, s0, fail
  c.addi4spn a3, sp, 8
  addi a4, s0, 8
  bne a3, a4, fail
  CASE 6
  li a0, 0
  c.beqz a0, 1f
  j fail
1:
  c.bnez a0, fail
  c.j 2f
  j fail
2:
  CASE 7
  la a1, 3f
  c.jalr a1                   # ra = address after the 2-byte c.jalr
4:
  j fail
3:
  la a2, 4b
  bne ra, a2, fail
  la a1, 5f
  c.jr a1
  j fail
5:
  CASE 8
  c.jal 6f
7:
  j fail
6:
  la a2, 7b
  bne ra, a2, fail
  c.nop
  j pass
  .balign 4
buf:
  .space 32
TEST_END
