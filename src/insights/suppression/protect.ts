/**
 * The core of small-cell suppression, independent of the shape of the publication.
 *
 * A publication (a list with its total, a table with its margins) is seen as a flow network:
 * every published count is an ARC and every published equation "these cells add up to that
 * total" is a LINE, i.e. a node where inflow equals outflow. A table's row i is the node r_i
 * (row total s → r_i in, cells r_i → c_j out); the margin "row totals + grand total" is node s.
 *
 * Attacker model (what a reader is assumed to know): every published value, which arcs are
 * suppressed, the rule, that a suppressed arc is ≥ 1, and — pessimistically — which suppressed
 * arcs are primary, so a primary arc lies in [1, k−1] and any other suppressed arc in [1, ∞).
 */

/** A published count from node `from` to node `to`. */
export interface Arc {
  readonly from: number;
  readonly to: number;
  readonly value: number;
}

/** A published equation: the arcs in `cells` add up to the arc `total`. */
export interface Line {
  readonly total: number;
  readonly cells: readonly number[];
}

/** Primary suppression: 0 < n < k. A zero is published as 0 and never suppressed. */
export const isSmall = (value: number, k: number): boolean => value > 0 && value < k;

/** What the attacker knows about a suppressed arc. */
const lowerBound = 1;
const upperBound = (value: number, k: number): number => (isSmall(value, k) ? k - 1 : Number.POSITIVE_INFINITY);

/**
 * Suppresses the arcs with 0 < n < k and `initial` (when non-zero), then adds complementary
 * suppressions until no suppressed arc can be pinned to one value. Returns the mask by arc.
 */
export function protect(arcs: readonly Arc[], lines: readonly Line[], k: number, initial: readonly boolean[] = []): boolean[] {
  const suppressed = arcs.map((arc, index) => arc.value > 0 && (isSmall(arc.value, k) || initial[index] === true));
  let hopeless: boolean[] | undefined;

  for (;;) {
    // Rules 2–4, line by line, in a fixed order and until stable: a suppression added for a
    // column can leave a row with a singleton, and so on.
    let changed = false;
    for (const line of lines) {
      if (!lineExposes(line, arcs, suppressed, k)) continue;
      // A published total with a suppressed cell implies a non-zero total, so a candidate exists.
      suppressed[candidateIn(line, arcs, suppressed)!] = true;
      changed = true;
    }
    if (changed) continue;

    // The safety net: lines can pin a cell jointly even when each line alone leaves room
    // (a row bounds x from above, a column from below). Check the whole system exactly.
    const pinned = pinnedArcs(arcs, suppressed, k);
    if (!pinned.includes(true)) return suppressed;
    // An arc that is pinned even when every non-zero arc is suppressed (a line of k−1 ones
    // whose total is itself primary) cannot be protected by suppressing more: skip it.
    hopeless ??= pinnedArcs(arcs, arcs.map((arc) => arc.value > 0), k);
    const target = pinned.findIndex((isPinned, index) => isPinned && !hopeless![index]);
    if (target < 0) return suppressed;
    const next = widen(target, arcs, lines, suppressed, k);
    if (next === undefined) return suppressed; // unreachable: the target would be hopeless
    suppressed[next] = true;
  }
}

/**
 * Rules 2–3. With the total published, the attacker knows the sum of the suppressed cells of
 * the line (total − published cells) and each cell's bounds; a cell is pinned when
 * sum − (the others at their maximum) equals sum − (the others at their minimum), clipped to
 * its own bounds. One suppressed cell is always pinned (rule 2: the line difference).
 * A line whose total is suppressed has no known sum here; its total is a cell of the margin
 * line, which this same rule guards (rule 4).
 */
function lineExposes(line: Line, arcs: readonly Arc[], suppressed: readonly boolean[], k: number): boolean {
  if (suppressed[line.total]) return false;
  const hidden = line.cells.filter((cell) => suppressed[cell]);
  const sum = hidden.reduce((total, cell) => total + arcs[cell].value, 0);
  return hidden.some((cell) => {
    let othersMin = 0;
    let othersMax = 0;
    for (const other of hidden) {
      if (other === cell) continue;
      othersMin += lowerBound;
      othersMax += upperBound(arcs[other].value, k);
    }
    const low = Math.max(lowerBound, sum - othersMax);
    const high = Math.min(upperBound(arcs[cell].value, k), sum - othersMin);
    return low === high;
  });
}

/**
 * The next arc to suppress in a line: the smallest published non-zero cell, lowest index on
 * ties (rule 2: it costs the least information; a published cell is ≥ k, so its upper bound is
 * open and the line's sum is no longer tight). With no cell left, the line's total (rule 4).
 */
function candidateIn(line: Line, arcs: readonly Arc[], suppressed: readonly boolean[]): number | undefined {
  let best: number | undefined;
  for (const cell of line.cells) {
    if (suppressed[cell] || arcs[cell].value === 0) continue;
    if (best === undefined || arcs[cell].value < arcs[best].value) best = cell;
  }
  if (best === undefined && !suppressed[line.total] && arcs[line.total].value > 0) best = line.total;
  return best;
}

/**
 * For an arc pinned by the system as a whole: look in its own lines first, then in lines
 * linked to them through suppressed arcs, and take the smallest published arc of the nearest
 * lines that frees it (or, if none frees it alone, the smallest: the loop will add more).
 */
function widen(target: number, arcs: readonly Arc[], lines: readonly Line[], suppressed: boolean[], k: number): number | undefined {
  const linesOf = (arc: number): number[] => lines.flatMap((line, index) => (line.total === arc || line.cells.includes(arc) ? [index] : []));
  const visited = new Set<number>(linesOf(target));
  let frontier = [...visited];
  while (frontier.length > 0) {
    const members = [...new Set(frontier.flatMap((index) => [...lines[index].cells, lines[index].total]))].sort((a, b) => a - b);
    const candidates = members.filter((arc) => !suppressed[arc] && arcs[arc].value > 0).sort((a, b) => arcs[a].value - arcs[b].value || a - b);
    if (candidates.length > 0) {
      const frees = candidates.find((arc) => {
        suppressed[arc] = true;
        const stillPinned = isPinned(arcs, suppressed, k)(target);
        suppressed[arc] = false;
        return !stillPinned;
      });
      return frees ?? candidates[0];
    }
    frontier = members.filter((arc) => suppressed[arc]).flatMap(linesOf).filter((index) => !visited.has(index));
    frontier.forEach((index) => visited.add(index));
  }
  return undefined;
}

/**
 * The exact audit. Integer solutions consistent with what is published differ from the true
 * values by a circulation of the suppressed arcs within their bounds; the network matrix is
 * totally unimodular, so a suppressed arc can take a second value iff it lies on a cycle of the
 * residual graph (forward where it may grow, backward where it may shrink). Returns, per arc,
 * whether it is suppressed and yet pinned to its true value.
 */
export function pinnedArcs(arcs: readonly Arc[], suppressed: readonly boolean[], k: number): boolean[] {
  const pinned = isPinned(arcs, suppressed, k);
  return arcs.map((_, index) => pinned(index));
}

function isPinned(arcs: readonly Arc[], suppressed: readonly boolean[], k: number): (index: number) => boolean {
  const nodes = arcs.reduce((max, arc) => Math.max(max, arc.from + 1, arc.to + 1), 0);
  const residual: Array<Array<{ to: number; arc: number }>> = Array.from({ length: nodes }, () => []);
  arcs.forEach((arc, index) => {
    if (!suppressed[index]) return;
    if (arc.value < upperBound(arc.value, k)) residual[arc.from].push({ to: arc.to, arc: index });
    if (arc.value > lowerBound) residual[arc.to].push({ to: arc.from, arc: index });
  });
  const reaches = (start: number, goal: number, without: number): boolean => {
    const seen = new Set<number>([start]);
    const queue = [start];
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head];
      if (node === goal) return true;
      for (const edge of residual[node]) {
        if (edge.arc === without || seen.has(edge.to)) continue;
        seen.add(edge.to);
        queue.push(edge.to);
      }
    }
    return false;
  };
  return (index) => {
    const arc = arcs[index];
    if (!suppressed[index]) return false;
    const canGrow = arc.value < upperBound(arc.value, k) && reaches(arc.to, arc.from, index);
    const canShrink = arc.value > lowerBound && reaches(arc.from, arc.to, index);
    return !canGrow && !canShrink;
  };
}
