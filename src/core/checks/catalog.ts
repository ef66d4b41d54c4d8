import type { z } from 'zod';
import type { Check } from './check.js';

/** The checks a playbook may name, by id. */
export class CheckCatalog {
  private readonly checks = new Map<string, Check<unknown>>();

  constructor(checks: readonly Check<never>[]) {
    for (const c of checks) {
      if (this.checks.has(c.id)) throw new Error(`duplicate check id ${c.id}`);
      this.checks.set(c.id, c as unknown as Check<unknown>);
    }
  }

  get(id: string): Check<unknown> | undefined {
    return this.checks.get(id);
  }

  ids(): string[] {
    return [...this.checks.keys()].sort();
  }

  /** The parameter names a check accepts (keys of its strict zod object). */
  paramKeys(id: string): string[] {
    const schema = this.checks.get(id)?.params as
      | (z.ZodType & { shape?: Record<string, unknown> })
      | undefined;
    return schema?.shape ? Object.keys(schema.shape) : [];
  }
}
