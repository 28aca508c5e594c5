// Every microarchitectural parameter in one typed object, with presets. What-if experiments change this object,
// never the code. Later blocks add their parameters here.
import type { Flavour } from '../isa/types.ts';

/** One mapped region of the address space. */
export interface MemRegion {
  name: string;
  base: number;
  size: number;
  kind: 'ram' | 'rom' | 'periph';
}

/** Grant delay G and response delay R of an OBI-style port (see testbench/fixtures/timing/README.md). */
export interface PortTiming {
  grantDelay: number;
  responseDelay: number;
}

export type CoreVersion = 'cv32e40p' | 'ri5cy' | 'ri5cy_v1';

export interface CoreConfig {
  version: CoreVersion;
  /** Encodings of the PULP extensions the decoder accepts. */
  flavour: Flavour;
  /** RVC accepted (and emitted by the assembler when compression is allowed). */
  rvc: boolean;
}

export interface SystemConfig {
  core: CoreConfig;
  /** The memory map of the system: one table, used by the loader, linker, ISS and the model. */
  memory: MemRegion[];
  imem: PortTiming;
  dmem: PortTiming;
}

const MiB = 1 << 20;

/** The single-core test system the timing vectors were measured in: 1 MiB RAM at 0x0 and at 0x80000000. */
export const singleCoreMemory: MemRegion[] = [
  { name: 'ram_lo', base: 0x0000_0000, size: MiB, kind: 'ram' },
  { name: 'ram_hi', base: 0x8000_0000, size: MiB, kind: 'ram' },
];

const defaultPort: PortTiming = { grantDelay: 0, responseDelay: 1 };

export const presets: Record<CoreVersion, SystemConfig> = {
  cv32e40p: {
    core: { version: 'cv32e40p', flavour: 'corev', rvc: true },
    memory: singleCoreMemory,
    imem: defaultPort,
    dmem: defaultPort,
  },
  ri5cy: {
    core: { version: 'ri5cy', flavour: 'xpulpv2', rvc: true },
    memory: singleCoreMemory,
    imem: defaultPort,
    dmem: defaultPort,
  },
  ri5cy_v1: {
    core: { version: 'ri5cy_v1', flavour: 'xpulpv2', rvc: true },
    memory: singleCoreMemory,
    imem: defaultPort,
    dmem: defaultPort,
  },
};

export function preset(name: string): SystemConfig {
  const p = (presets as Record<string, SystemConfig | undefined>)[name];
  if (!p) {
    throw new Error(`unknown configuration preset '${name}' (known: ${Object.keys(presets).join(', ')})`);
  }
  return structuredClone(p);
}

/** The region containing [addr, addr + bytes), or undefined when the access is not fully inside one region. */
export function findRegion(memory: MemRegion[], addr: number, bytes = 1): MemRegion | undefined {
  const a = addr >>> 0;
  for (const r of memory) {
    if (a >= r.base && a + bytes <= r.base + r.size) return r;
  }
  return undefined;
}
