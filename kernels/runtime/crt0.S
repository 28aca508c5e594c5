# Cluster runtime start-up: every core boots here (cluster/system/README.md "Boot": all cores start together from
# the boot address). Each core takes its stack in TCDM, enables the event lines it sleeps on (barrier, mutex,
# dispatch); core 0 enables the shared I$ (bypassed at reset, icache/README.md "Control unit"), sets up the team
# barrier for itself alone and runs `main`, then exits through tohost; the other cores serve the dispatch FIFO
# (the fork/join protocol of team.S).
.include "rt.inc"

# The core count this program was built for, as an absolute symbol (no bytes in memory): the testbenches and the
# cluster ISS refuse to run it on a cluster of another size, where its team and stacks, sized by the count, go wrong
# (program_cores.ts).
  .globl __rt_nb_cores
  .equ __rt_nb_cores, RT_NB_CORES

  .section .text.vectors, "ax"
  .option push
  .option norvc
  .globl __rt_vectors
__rt_vectors:
  RT_VECTORS
  .option pop

  .text
  .globl _start
_start:
  RT_CORE_ID t0
  # sp = __rt_stacks + (core id + 1) * RT_STACK_SIZE: stacks grow down inside each core's slot.
  la sp, __rt_stacks
  addi t1, t0, 1
  li t2, RT_STACK_SIZE
  mul t1, t1, t2
  add sp, sp, t1
  RT_TRAP_SETUP t1
  li s0, RT_EU
  li t1, (1 << RT_EVT_BARRIER) | (1 << RT_EVT_MUTEX) | (1 << RT_EVT_DISPATCH)
  sw t1, RT_EU_EVT_MASK(s0)
  bnez t0, __rt_worker

  li t1, RT_ICACHE_CTRL
  li t2, 1
  sw t2, 0(t1)
  # Team of core 0 alone until the first fork: rt_team_barrier in main returns at once.
  li t1, 1
  sw t1, RT_EU_BARRIER + 0x20 * RT_TEAM_BARRIER + RT_BAR_TRIGGER_MASK(s0)
  sw t1, RT_EU_BARRIER + 0x20 * RT_TEAM_BARRIER + RT_BAR_TARGET_MASK(s0)
  la t2, __rt_team_size
  sw t1, 0(t2)
  call main
  tail rt_exit

# Worker cores: pop an entry point and its argument, run it, join (unless bit 0 of the entry point says not to:
# the PMSIS cl_slave_loop convention), and wait for the next one. s0 = event unit, kept across calls by the ABI.
__rt_worker:
1:
  ELW a1, RT_EU_DISPATCH, s0
  ELW a0, RT_EU_DISPATCH, s0
  andi s1, a1, 1
  andi a1, a1, -2
  jalr a1
  bnez s1, 1b
  li t0, RT_JOIN_BAR_ADDR
  ELW t0, RT_BAR_WAIT_CLEAR, t0
  j 1b

# A trap (illegal instruction, ecall, LSU error, or an interrupt nobody enabled): the core records mcause and mepc
# in __rt_trap_info[core] and stops. On core 0 it also ends the run with tohost = ((0x100 + mcause) << 1) | 1.
  .globl __rt_trap
__rt_trap:
  RT_CORE_ID t0
  la t1, __rt_trap_info
  slli t2, t0, 3
  add t1, t1, t2
  csrr t2, mcause
  sw t2, 0(t1)
  csrr t3, mepc
  sw t3, 4(t1)
  bnez t0, __rt_park
  addi t2, t2, 0x100
  slli t2, t2, 1
  ori t2, t2, 1
  li t1, RT_TOHOST
  sw t2, 0(t1)

# Sleep for good: no event line enabled, so nothing wakes the core.
  .globl __rt_park
__rt_park:
  li t0, RT_EU
  sw zero, RT_EU_EVT_MASK(t0)
1:
  ELW t1, RT_EU_EVT_WAIT_CLEAR, t0
  j 1b

  .section .rt_stacks, "aw", @nobits
  .balign 16
  .globl __rt_stacks
__rt_stacks:
  .space RT_NB_CORES * RT_STACK_SIZE

  .bss
  .balign 4
  .globl __rt_trap_info
__rt_trap_info:
  .space RT_NB_CORES * 8
