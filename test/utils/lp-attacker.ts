import loadHighs, { Highs } from 'highs';

/**
 * An attacker that solves for the interval of a hidden sum, independent of the disclosure
 * engine: it writes the raw published figures as a CPLEX-LP text model (one variable per
 * microcell, one equality per published figure) and solves it with HiGHS's one-shot API. It does
 * not reuse the engine's atoms, components or certificate, so it checks the engine instead of
 * repeating it.
 */

/** Σ variables = value: a published figure (or a microcell the attacker knows: one variable). */
export interface Equality {
  variables: readonly string[];
  value: number;
}

/** Σ variables ≤ atMost: side knowledge such as "a withheld cell is below k". */
export interface UpperBound {
  variables: readonly string[];
  atMost: number;
}

export interface Bounds {
  min: number;
  /** Infinity when nothing bounds the target from above. */
  max: number;
}

let loading: Promise<Highs> | undefined;
const solver = (): Promise<Highs> => (loading ??= loadHighs());

/**
 * The feasible range of Σ target over all non-negative real values of the variables that satisfy
 * every equality and upper bound.
 */
export async function boundsOf(variables: readonly string[], equalities: readonly Equality[], target: readonly string[], upperBounds: readonly UpperBound[] = []): Promise<Bounds> {
  const highs = await solver();
  const names = new Map(variables.map((variable, index) => [variable, `x${index}`]));
  const name = (variable: string): string => {
    const found = names.get(variable);
    if (found === undefined) throw new Error(`unknown variable ${variable}`);
    return found;
  };
  // Short lines: a long sum continues on the next line.
  const sum = (terms: readonly string[]): string => {
    const parts = terms.map(name);
    const lines: string[] = [];
    for (let at = 0; at < parts.length; at += 8) lines.push(parts.slice(at, at + 8).join(' + '));
    return lines.join('\n + ');
  };
  const constraints = [
    ...equalities.filter((equality) => equality.variables.length > 0).map((equality, index) => ` e${index}: ${sum(equality.variables)} = ${equality.value}`),
    ...upperBounds.filter((bound) => bound.variables.length > 0).map((bound, index) => ` u${index}: ${sum(bound.variables)} <= ${bound.atMost}`),
  ];
  const bounds = variables.map((variable) => ` ${name(variable)} >= 0`);
  const solve = (sense: 'Minimize' | 'Maximize'): number => {
    if (target.length === 0) return 0;
    // HiGHS's LP reader needs at least one constraint; a free-standing 0 ≤ x row is harmless.
    const rows = constraints.length > 0 ? constraints : [` r0: ${name(variables[0])} >= 0`];
    const text = [sense, ` obj: ${sum(target)}`, 'Subject To', ...rows, 'Bounds', ...bounds, 'End'].join('\n');
    const result = highs.solve(text, { output_flag: false });
    if (result.Status === 'Unbounded' || (sense === 'Maximize' && result.Status === 'Primal infeasible or unbounded')) return Infinity;
    if (result.Status !== 'Optimal') throw new Error(`attacker LP ended with status ${result.Status}`);
    return result.ObjectiveValue;
  };
  return { min: solve('Minimize'), max: solve('Maximize') };
}
