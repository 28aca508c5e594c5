# csr.S -- Zicsr instructions on CSRs that behave the same on all three cores (M-mode, PULP_SECURE=0):
# mepc (read/write), mcause (bits 31 and 4:0 only), mstatus (only MIE and MPIE stored; MPP reads 11).
.include "test.inc"
TEST_BEGIN
  CASE 1
  li a0, 0x1230
  csrrw a1, mepc, a0
  csrr a2, mepc
  CHECK a2, 0x1230
  CASE 2
  li a0, 0x0c
  csrrs a1, mepc, a0          # returns the old value, sets bits 2, 3
  CHECK a1, 0x1230
  csrr a2, mepc
  CHECK a2, 0x123c
  CASE 3
  li a0, 0x30
  csrrc a1, mepc, a0
  CHECK a1, 0x123c
  csrr a2, mepc
  CHECK a2, 0x120c
  CASE 4
  csrrwi a1, mepc, 20
  CHECK a1, 0x120c
  csrrsi a1, mepc, 8
  CHECK a1, 20
  csrrci a1, mepc, 4
  CHECK a1, 28
  csrr a2, mepc
  CHECK a2, 24
  CASE 5
  li a0, 0xffffffff
  csrw mcause, a0
  csrr a1, mcause
  CHECK a1, 0x8000001f
  CASE 6
  csrwi mstatus, 0
  csrr a1, mstatus
  CHECK a1, 0x1800
  li a0, 0x88
  csrs mstatus, a0
  csrr a1, mstatus
  CHECK a1, 0x1888
  csrci mstatus, 8
  csrr a1, mstatus
  CHECK a1, 0x1880
  CASE 7
  csrrs a1, mepc, x0          # read without write
  CHECK a1, 24
  j pass
TEST_END
