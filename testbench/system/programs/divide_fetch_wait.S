# Divides whose next instruction is still being fetched when the divider finishes (CV32E40P): ID hands EX a
# bubble while it is not decoding, and that bubble must not restart the divider with the stale divide still in
# ID. Run with a slow instruction port (@ir2, @ig1) the quotient is ready while the fetch is outstanding.
#   results[0] mcycle delta of a divu by 6 (3 + clz(6) = 32 cycles in EX at G = 0, R = 1)
#   results[1] its quotient
#   results[2] mcycle delta of a div by -3 followed by a dependent add
#   results[3] that sum
    .text
    .globl _start
_start:
    csrw mcountinhibit, zero
    la s0, results
    li a1, 20
    li a2, 6
    csrr s2, mcycle
    divu a4, a1, a2
    li t2, 3
    csrr s3, mcycle
    sub s3, s3, s2
    sw s3, 0(s0)
    sw a4, 4(s0)

    li a1, -100
    li a2, -3
    csrr s2, mcycle
    div a5, a1, a2
    addi a5, a5, 1
    csrr s3, mcycle
    sub s3, s3, s2
    sw s3, 8(s0)
    sw a5, 12(s0)

    la t0, results_count
    li t1, 4
    sw t1, 0(t0)
    li t1, 1
    la t0, tohost
    sw t1, 0(t0)
1:  j 1b

    .data
    .balign 64
    .globl tohost
tohost: .word 0
    .balign 64
    .globl results
results: .space 16
    .globl results_count
results_count: .word 0
