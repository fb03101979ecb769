import loadHighs, { Highs, Model } from 'highs';

/**
 * An attacker that solves for the interval of a hidden sum, independent of the disclosure
 * engine: it writes the raw published figures as a CPLEX-LP text model (one variable per
 * microcell, one equality per published figure, x ≥ 0) and lets HiGHS read and solve it. It does
 * not reuse the engine's atoms, components or certificate, so it checks the engine instead of
 * repeating it.
 */

/** Σ variables = value: a published figure (or a microcell the attacker knows: one variable). */
export interface Equality {
  variables: readonly string[];
  value: number;
}

/** atLeast ≤ Σ variables ≤ atMost: side knowledge such as "a withheld cell is not empty" or "is below k". */
export interface Bound {
  variables: readonly string[];
  atLeast?: number;
  atMost?: number;
}

export interface Bounds {
  min: number;
  /** Infinity when nothing bounds the target from above. */
  max: number;
}

let loading: Promise<Highs> | undefined;
const solver = (): Promise<Highs> => (loading ??= loadHighs());

/** One attacker's knowledge as an LP, asked for the range of any number of targets. */
export interface Attacker {
  boundsOf(target: readonly string[]): Bounds;
  dispose(): void;
}

export async function attacker(variables: readonly string[], equalities: readonly Equality[], bounds: readonly Bound[] = []): Promise<Attacker> {
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
    ...bounds.filter((bound) => bound.variables.length > 0 && bound.atMost !== undefined).map((bound, index) => ` u${index}: ${sum(bound.variables)} <= ${bound.atMost}`),
    ...bounds.filter((bound) => bound.variables.length > 0 && bound.atLeast !== undefined).map((bound, index) => ` l${index}: ${sum(bound.variables)} >= ${bound.atLeast}`),
  ];
  // HiGHS's LP reader wants a constraint; a free-standing x ≥ 0 row changes nothing.
  if (constraints.length === 0 && variables.length > 0) constraints.push(` r0: ${name(variables[0])} >= 0`);
  const text = ['Minimize', ` obj: ${sum(variables)}`, 'Subject To', ...constraints, 'Bounds', ...variables.map((variable) => ` ${name(variable)} >= 0`), 'End'].join('\n');
  const model: Model = highs.createModel({ format: 'lp', data: text });
  model.options.set({ output_flag: false });
  const column = new Map(variables.map((variable) => [variable, model.getColByName(name(variable))]));
  const solve = (target: readonly string[], sense: 'min' | 'max'): number => {
    const cost = new Float64Array(variables.length);
    for (const variable of target) cost[column.get(variable)!] = 1;
    model.changeColsCost({ kind: 'range', from: 0, to: variables.length - 1 }, cost);
    model.changeObjectiveSense(sense === 'max' ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize);
    let { modelStatus } = model.run();
    const status = highs.constants.modelStatus;
    if (modelStatus === status.unknown) {
      // a warm start gone astray: solve once more from scratch
      model.clearSolver();
      ({ modelStatus } = model.run());
    }
    if (sense === 'max' && (modelStatus === status.unbounded || modelStatus === status.unboundedOrInfeasible)) return Infinity;
    if (modelStatus !== status.optimal) throw new Error(`attacker LP ended with status ${modelStatus}`);
    return model.getObjectiveValue();
  };
  return {
    boundsOf: (target) => (target.length === 0 ? { min: 0, max: 0 } : { min: solve(target, 'min'), max: solve(target, 'max') }),
    dispose: () => model.dispose(),
  };
}

/**
 * The feasible range of Σ target over all non-negative real values of the variables that satisfy
 * every equality and bound.
 */
export async function boundsOf(variables: readonly string[], equalities: readonly Equality[], target: readonly string[], bounds: readonly Bound[] = []): Promise<Bounds> {
  const solved = await attacker(variables, equalities, bounds);
  try {
    return solved.boundsOf(target);
  } finally {
    solved.dispose();
  }
}
