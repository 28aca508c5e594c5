// Assembles and links a program of this folder for the cluster (text in L2 at 0x1C000000), with the cluster system
// vectors' scaffolding (cl.inc) on the include path.
import { join } from 'node:path';
import { assembleFile } from '../../../kernels/toolchain/asm/assembler.ts';
import { link, linkedElf } from '../../../kernels/toolchain/linker.ts';

const SYSTEM = join(import.meta.dirname, '../../fixtures/timing/cluster/system');

/** The ELF of `programs/<name>.S`. */
export function buildClusterProgram(name: string): Uint8Array {
  const { object } = assembleFile(join(import.meta.dirname, `${name}.S`), { flavour: 'xpulpv2', rvc: true, includeDirs: [SYSTEM] });
  return linkedElf(link([object], { textBase: 0x1c000000 }));
}
