# Traps of CV32E40P in the riscv-tests convention (linked at 0x80000000, trap vector aligned to 256 bytes,
# `ecall` ends the test in the handler, which stores to `tohost`), each region measured with mcycle:
#   results[0]  a 32-bit illegal word (slli by 32) trapping, the handler skipping it, mret back (mcycle delta)
#   results[1]  the same for an illegal CSR number (tcontrol, 0x7A5)
#   results[2]  the same for ebreak, whose handler path is identical (the reference for the two above)
#   results[3..7]  reads of tdata1, tinfo, mimpid, uhartid, privlv
#   results[8]  mtvec read back after writing trap + 5 (base keeps bits 31:8, mode keeps bit 0)
#   results[9]  traps taken by csrr of 0xB01, 0xC01, 0x321, 0x014, 0x7A6, 0xCD3 (none is a CSR of this core)
#   results[10] the same count after csrr of 0x7AA, 0xCD2, 0xC03, 0xB83 (all legal: no trap)
    .text
    .globl _start
_start:
    j reset

    .balign 256
trap:
    csrr t0, mcause
    li t1, 11
    beq t0, t1, done
    addi s1, s1, 1
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    mret

done:
    la t0, results_count
    li t1, 11
    sw t1, 0(t0)
    li t1, 1
    la t0, tohost
    sw t1, 0(t0)
1:  j 1b

reset:
    la t0, trap
    csrw mtvec, t0
    csrw mcountinhibit, zero
    la s0, results
    li s1, 0

    csrr s2, mcycle
    .word 0x02051513
    csrr s3, mcycle
    sub s3, s3, s2
    sw s3, 0(s0)

    csrr s2, mcycle
    csrr a0, 0x7a5
    csrr s3, mcycle
    sub s3, s3, s2
    sw s3, 4(s0)

    csrr s2, mcycle
    ebreak
    csrr s3, mcycle
    sub s3, s3, s2
    sw s3, 8(s0)

    csrr a0, 0x7a1
    sw a0, 12(s0)
    csrr a0, 0x7a4
    sw a0, 16(s0)
    csrr a0, 0xf13
    sw a0, 20(s0)
    csrr a0, 0xcd0
    sw a0, 24(s0)
    csrr a0, 0xcd1
    sw a0, 28(s0)

    la t0, trap
    addi t0, t0, 5
    csrw mtvec, t0
    csrr a0, mtvec
    sw a0, 32(s0)
    la t0, trap
    csrw mtvec, t0

    li s1, 0
    csrr a0, 0xb01
    csrr a0, 0xc01
    csrr a0, 0x321
    csrr a0, 0x014
    csrr a0, 0x7a6
    csrr a0, 0xcd3
    sw s1, 36(s0)
    csrr a0, 0x7aa
    csrr a0, 0xcd2
    csrr a0, 0xc03
    csrr a0, 0xb83
    sw s1, 40(s0)
    ecall

    .data
    .balign 64
    .globl tohost
tohost: .word 0
    .balign 64
    .globl results
results: .space 44
    .globl results_count
results_count: .word 0
