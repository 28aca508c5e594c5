# Fork/join, team barrier, HW mutex and exit of the cluster runtime (the model: PMSIS pi_cl_team_fork on GAP-8, fact
# sheet pulp-cluster.md §4). Calling convention: the RISC-V ilp32 ABI; every function here runs on any core unless
# it says otherwise.
.include "rt.inc"

  .text

# void rt_team_fork(int nb_cores, void (*entry)(void *), void *arg) -- core 0 only.
# Runs entry(arg) on cores 0 .. nb_cores-1 (0 or more than the cluster has: all cores) and returns when every one
# of them has returned. Core 0 programs the team barrier and the join barrier with the team's mask, writes the
# dispatch FIFO's TEAM_CONFIG with the team without itself, pushes entry and arg (each worker of the team pops both),
# runs entry itself, then waits on the join barrier, which the workers reach after their entry returns.
  .globl rt_team_fork
rt_team_fork:
  addi sp, sp, -16
  sw ra, 12(sp)
  sw s0, 8(sp)
  sw s1, 4(sp)
  li t0, RT_NB_CORES
  beqz a0, 1f
  bleu a0, t0, 2f
1:
  mv a0, t0
2:
  la t0, __rt_team_size
  sw a0, 0(t0)
  li t1, 1
  sll t1, t1, a0
  addi t1, t1, -1                 # team mask
  li s0, RT_EU
  sw t1, RT_EU_BARRIER + 0x20 * RT_TEAM_BARRIER + RT_BAR_TRIGGER_MASK(s0)
  sw t1, RT_EU_BARRIER + 0x20 * RT_TEAM_BARRIER + RT_BAR_TARGET_MASK(s0)
  # A cluster of one core has no workers to join and one barrier (NB_BARR = cores in pulp_cluster): the join
  # barrier does not exist there, and the event unit would drop these stores.
.if RT_NB_CORES > 1
  sw t1, RT_EU_BARRIER + 0x20 * RT_JOIN_BARRIER + RT_BAR_TRIGGER_MASK(s0)
  sw t1, RT_EU_BARRIER + 0x20 * RT_JOIN_BARRIER + RT_BAR_TARGET_MASK(s0)
.endif
  andi s1, t1, -2                 # workers of the team
  beqz s1, 3f
  sw s1, RT_EU_TEAM_CONFIG(s0)
  sw a1, RT_EU_DISPATCH(s0)
  sw a2, RT_EU_DISPATCH(s0)
3:
  mv a0, a2
  jalr a1
  beqz s1, 4f
  li t0, RT_JOIN_BAR_ADDR
  ELW t0, RT_BAR_WAIT_CLEAR, t0
4:
  # Back to a team of core 0 alone.
  li t1, 1
  sw t1, RT_EU_BARRIER + 0x20 * RT_TEAM_BARRIER + RT_BAR_TRIGGER_MASK(s0)
  sw t1, RT_EU_BARRIER + 0x20 * RT_TEAM_BARRIER + RT_BAR_TARGET_MASK(s0)
  la t0, __rt_team_size
  sw t1, 0(t0)
  lw s1, 4(sp)
  lw s0, 8(sp)
  lw ra, 12(sp)
  addi sp, sp, 16
  ret

# void rt_team_barrier(void): every core of the current team waits until all have arrived (HW barrier).
  .globl rt_team_barrier
rt_team_barrier:
  li t0, RT_TEAM_BAR_ADDR
  ELW t0, RT_BAR_WAIT_CLEAR, t0
  ret

# int rt_core_id(void)
  .globl rt_core_id
rt_core_id:
  RT_CORE_ID a0
  ret

# int rt_team_nb_cores(void): cores of the current fork's team (1 outside a fork).
  .globl rt_team_nb_cores
rt_team_nb_cores:
  la t0, __rt_team_size
  lw a0, 0(t0)
  ret

# unsigned rt_mutex_lock(void): takes the HW mutex (sleeping while another core holds it); returns the message the
# last unlock wrote.
  .globl rt_mutex_lock
rt_mutex_lock:
  li t0, RT_EU
  ELW a0, RT_EU_MUTEX, t0
  ret

# void rt_mutex_unlock(unsigned message)
  .globl rt_mutex_unlock
rt_mutex_unlock:
  li t0, RT_EU
  sw a0, RT_EU_MUTEX(t0)
  ret

# void rt_exit(int code) -- core 0 only; never returns.
# Waits until every worker is idle (an empty fork to all cores: the dispatch FIFO is in order, so its join means
# every earlier dispatch has finished too), then stores the verdict to tohost: 1 for code 0, else (code << 1) | 1
# (the riscv-tests encoding), and sleeps. A worker calling it just sleeps.
  .globl rt_exit
rt_exit:
  RT_CORE_ID t0
  bnez t0, __rt_park
  mv s0, a0
  li a0, 0
  la a1, __rt_nop
  li a2, 0
  call rt_team_fork
  li t1, 1
  beqz s0, 1f
  slli t1, s0, 1
  ori t1, t1, 1
1:
  li t0, RT_TOHOST
  sw t1, 0(t0)
  j __rt_park

__rt_nop:
  ret

  .bss
  .balign 4
  .globl __rt_team_size
__rt_team_size:
  .space 4
