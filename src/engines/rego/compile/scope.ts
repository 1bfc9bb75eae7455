/** Variable scopes of one rule body (or query): every local becomes a slot of one frame. */

export class SlotAllocator {
  readonly names: string[] = [];
  readonly scopeOf: Scope[] = [];

  alloc(name: string, scope: Scope): number {
    this.names.push(name);
    this.scopeOf.push(scope);
    return this.names.length - 1;
  }

  get size(): number {
    return this.names.length;
  }
}

export class Scope {
  /** name → slot for vars that live in this scope */
  readonly vars = new Map<string, number>();
  /** names declared here with `:=`, `some`, function args or every/some-in vars: they shadow globals */
  readonly declared = new Set<string>();

  constructor(
    readonly alloc: SlotAllocator,
    readonly parent: Scope | undefined,
  ) {}

  lookup(name: string): number | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const slot = s.vars.get(name);
      if (slot !== undefined) return slot;
    }
    return undefined;
  }

  /** Declared (`:=`, some, args) in this scope or an enclosing one: shadows rule names and imports. */
  isDeclared(name: string): boolean {
    for (let s: Scope | undefined = this; s; s = s.parent) if (s.declared.has(name)) return true;
    return false;
  }

  add(name: string): number {
    const slot = this.alloc.alloc(name, this);
    this.vars.set(name, slot);
    return slot;
  }

  /** This scope and its ancestors. */
  chain(): Set<Scope> {
    const out = new Set<Scope>();
    for (let s: Scope | undefined = this; s; s = s.parent) out.add(s);
    return out;
  }
}
