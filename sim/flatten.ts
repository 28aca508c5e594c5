// Flattening: walk the module tree, name every signal/memory/child from the fields that hold it, merge
// connect()ed signals into nets (union-find) and give each net one slot. Hierarchy costs nothing at run time
// (fact sheet §0.3: deep nesting made Amaranth's pysim 10x slower; we keep names only for waves/errors).
import { ElaborationError } from './errors.ts';
import { MemoryImpl } from './memory.ts';
import { Module } from './module.ts';
import { SignalImpl } from './signal.ts';

export interface Flat {
  modules: Module[];
  signals: SignalImpl[];
  memories: MemoryImpl[];
  /** Slot of each signal (parallel to signals). */
  slotOf: Map<SignalImpl, number>;
  nslots: number;
  members: SignalImpl[][];
  moduleDomain: Map<Module, number>;
  domains: { id: number; parent: number; en: number; path: string }[];
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_$]*$/;

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;
}

/** Names a module's own signals/memories from its fields; returns its children with their names. */
function discover(m: Module): { name: string; child: Module }[] {
  const d = m.__decl;
  const children: { name: string; child: Module }[] = [...d.added];
  const visit = (key: string, v: unknown, depth: number): void => {
    if (v instanceof SignalImpl || v instanceof MemoryImpl) {
      if (v.owner === m && v.name === null) v.name = key;
    } else if (v instanceof Module) {
      if (!children.some((c) => c.child === v)) children.push({ name: key, child: v });
    } else if (depth < 3 && Array.isArray(v)) {
      v.forEach((x, k) => visit(`${key}_${k}`, x, depth + 1));
    } else if (depth < 3 && isPlainObject(v)) {
      for (const [k, x] of Object.entries(v)) visit(`${key}_${k}`, x, depth + 1);
    }
  };
  for (const key of Object.keys(m)) {
    if (key.startsWith('__')) continue;
    visit(key, (m as unknown as Record<string, unknown>)[key], 0);
  }
  return children;
}

export function flatten(top: Module, topName: string): Flat {
  if (top.__decl.bound) {
    throw new ElaborationError(`module '${top.__decl.path}' is already part of a simulator; build a fresh instance`);
  }
  const modules: Module[] = [];
  const signals: SignalImpl[] = [];
  const memories: MemoryImpl[] = [];
  const moduleDomain = new Map<Module, number>();
  const domains: Flat['domains'] = [{ id: 0, parent: -1, en: -1, path: topName }];
  const gateOf = new Map<Module, { en: SignalImpl; by: Module }>();

  const walk = (m: Module, path: string, parent: Module | null, domain: number): void => {
    const d = m.__decl;
    if (d.bound) throw new ElaborationError(`module '${path}' is already part of a simulator; build a fresh instance`);
    d.path = path;
    d.parent = parent;
    d.bound = true;
    modules.push(m);
    const g = gateOf.get(m);
    if (g !== undefined) {
      domain = domains.length;
      domains.push({ id: domain, parent: moduleDomain.get(g.by)!, en: -1, path });
    }
    moduleDomain.set(m, domain);
    const children = discover(m);
    const used = new Map<string, string>();
    const claim = (name: string, what: string): void => {
      if (!NAME_RE.test(name)) throw new ElaborationError(`${what} in '${path}' has an invalid name '${name}'`);
      const prev = used.get(name);
      if (prev !== undefined) throw new ElaborationError(`'${path}.${name}': two things named '${name}' (${prev} and ${what})`);
      used.set(name, what);
    };
    let anon = 0;
    for (const s of d.signals) {
      if (s.name === null) s.name = `_${s.kind}${anon++}`;
      claim(s.name, s.kind);
      s.path = `${path}.${s.name}`;
      signals.push(s);
    }
    for (const mem of d.memories) {
      if (mem.name === null) mem.name = `_mem${anon++}`;
      claim(mem.name, 'memory');
      mem.path = `${path}.${mem.name}`;
      memories.push(mem);
    }
    for (const p of d.procs) claim(p.name, `${p.kind} process`);
    for (const pr of d.probes) claim(pr.name, 'probe');
    for (const { name } of children) claim(name, 'instance');
    for (const gd of d.gates) {
      if (!children.some((c) => c.child === gd.child)) {
        throw new ElaborationError(`'${path}' gates a module that is not its child`);
      }
      gateOf.set(gd.child, { en: gd.en, by: m });
    }
    for (const { name, child } of children) {
      if (child.__decl.bound) {
        throw new ElaborationError(`instance '${path}.${name}' is the same module object as '${child.__decl.path}'; each instance needs its own object`);
      }
      walk(child, `${path}.${name}`, m, domain);
    }
  };
  walk(top, topName, null, 0);

  // Nets: union-find over signals.
  const index = new Map<SignalImpl, number>();
  signals.forEach((s, k) => index.set(s, k));
  const parent = signals.map((_, k) => k);
  const find = (k: number): number => {
    while (parent[k] !== k) {
      parent[k] = parent[parent[k]!]!;
      k = parent[k]!;
    }
    return k;
  };
  for (const m of modules) {
    for (const c of m.__decl.connects) {
      for (const s of [c.a, c.b]) {
        if (!index.has(s)) {
          throw new ElaborationError(`connect in '${m.__decl.path}': signal '${s.label()}' belongs to a module that is not part of the design`);
        }
      }
      if (c.a.width !== c.b.width) {
        throw new ElaborationError(
          `connect in '${m.__decl.path}': '${c.a.path}' is ${c.a.width} bit(s) but '${c.b.path}' is ${c.b.width} bit(s)`,
        );
      }
      const ra = find(index.get(c.a)!);
      const rb = find(index.get(c.b)!);
      if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }
  const slotOf = new Map<SignalImpl, number>();
  const rootSlot = new Map<number, number>();
  const members: SignalImpl[][] = [];
  signals.forEach((s, k) => {
    const r = find(k);
    let slot = rootSlot.get(r);
    if (slot === undefined) {
      slot = members.length;
      rootSlot.set(r, slot);
      members.push([]);
    }
    members[slot]!.push(s);
    slotOf.set(s, slot);
  });

  for (const [child, g] of gateOf) {
    const slot = slotOf.get(g.en);
    if (slot === undefined) {
      throw new ElaborationError(`gate of '${child.__decl.path}': enable '${g.en.label()}' is not part of the design`);
    }
    const dom = domains[moduleDomain.get(child)!]!;
    domains[dom.id] = { ...dom, en: slot };
  }
  return { modules, signals, memories, slotOf, nslots: members.length, members, moduleDomain, domains };
}
