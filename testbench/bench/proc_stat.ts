// CPU times Linux keeps in /proc/<...>/stat, for the benches' figures that Node does not give (one thread's time,
// the time of waited-for children).
import { readFileSync } from 'node:fs';

/**
 * The sum of fields `fields` (numbered as in proc(5): 14 utime, 15 stime, 16 cutime, 17 cstime) of the stat file
 * `file`, in seconds (clock ticks of 1/100 s), or null where there is no such file (not Linux).
 */
export function procStatSeconds(file: string, ...fields: number[]): number | null {
  try {
    const st = readFileSync(file, 'utf8');
    // the command name (field 2) may hold spaces: fields are counted from the state (field 3), after its ')'
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return fields.reduce((sum, n) => sum + Number(f[n - 3]), 0) / 100;
  } catch {
    return null;
  }
}
