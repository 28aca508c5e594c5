// The core count a cluster program was built for. The runtime sizes its per-core areas (stacks, the worker table)
// and its fork by RT_NB_CORES, so a program run on a cluster of another size goes wrong far from the cause: on fewer
// cores its team names cores that do not exist, on more the extra cores put their stacks past the space reserved
// for them (a program summing over its team, built for 8 and run on 4, or for 4 and run on 8, exits with a wrong
// sum on the ISS). crt0.S therefore exports the count as an absolute symbol (no bytes in memory), and the
// testbenches and the cluster ISS refuse a mismatch before running.
import { type Elf, ElfError, symbol } from '../toolchain/elf.ts';

export const CORES_SYMBOL = '__rt_nb_cores';

/** The core count the cluster runtime built `elf` for; undefined for a program built without the runtime. */
export function programCores(elf: Elf): number | undefined {
  const s = symbol(elf, CORES_SYMBOL);
  return s !== undefined && s.section === 'ABS' ? s.value : undefined;
}

/** Throws an ElfError naming the file unless `elf` was built for `cores` cores (or without the runtime). */
export function checkProgramCores(elf: Elf, cores: number): void {
  const built = programCores(elf);
  if (built === undefined || built === cores) return;
  throw new ElfError(
    elf.name,
    `built by the cluster runtime for ${built} cores (symbol ${CORES_SYMBOL}), but the cluster has ${cores} (cluster.cores); ` +
      `rebuild it for ${cores} cores (pulpsim asm --cores ${cores}) or run it on ${built} (--cores ${built})`,
  );
}
