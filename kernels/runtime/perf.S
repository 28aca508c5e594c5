# Performance counters of the calling core (RI5CY v1.0 PCER/PCMR/PCCR, or CV32E40P mcycle/minstret: see the flavour
# include for the numbering).
.include "rt.inc"

  .text

# void rt_perf_start(void): every event enabled, counting on.
  .globl rt_perf_start
rt_perf_start:
  PERF_START t0
  ret

# void rt_perf_stop(void): counting off (the counters keep their values).
  .globl rt_perf_stop
rt_perf_stop:
  PERF_STOP
  ret

# void rt_perf_reset(void): every counter to 0.
  .globl rt_perf_reset
rt_perf_reset:
  PERF_RESET
  ret

# unsigned rt_perf_read(int counter): counter 0 .. RT_PERF_COUNTERS-1, else 0. A table of 8-byte entries
# (read, return) indexed by the counter number.
  .globl rt_perf_read
rt_perf_read:
  li t0, RT_PERF_COUNTERS
  bgeu a0, t0, 2f
  la t0, 1f
  slli a0, a0, 3
  add t0, t0, a0
  jr t0
2:
  li a0, 0
  ret
  .option push
  .option norvc
  .balign 4
1:
  .set __rt_i, 0
  .rept RT_PERF_COUNTERS
  PERF_READ a0, __rt_i
  ret
  .set __rt_i, __rt_i + 1
  .endr
  .option pop
