import { protectReasons } from 'src/outcomes/disclosure/reasons';
import { readsReasons } from 'src/outcomes/disclosure/readers';

const counts = (entries: Record<string, number>): Map<string, number> => new Map(Object.entries(entries));
const shown = (result: ReturnType<typeof protectReasons>): Record<string, number | null> => Object.fromEntries(result.reasons.map((reason) => [reason.reason, reason.n]));

describe('protectReasons (reasons for leaving of one supplier × receiver cell)', () => {
  it('shows every reason exactly to the coordinator when each is 0 or at least k', () => {
    const result = protectReasons(counts({ study_choice: 12, personal: 0, unknown: 10 }), 7, 10, true, false);
    expect(result.leavers).toBe(22);
    expect(result.protection).toBe('published');
    expect(shown(result)).toEqual({ study_choice: 12, study_skills: 0, not_landed: 0, content_gap: 0, personal: 0, other: 0, unknown: 10 });
  });

  it('withholds a small reason and, against the known number of leavers, the smallest shown one with it', () => {
    // 30 leavers: 3 personal is primary; alone it would be 30 − 15 − 12 = 3, so 12 goes too.
    const result = protectReasons(counts({ study_choice: 15, study_skills: 12, personal: 3 }), 7, 10, true, false);
    expect(shown(result)).toEqual({ study_choice: 15, study_skills: null, not_landed: 0, content_gap: 0, personal: null, other: 0, unknown: 0 });
    const withheld = result.reasons.filter((reason) => reason.n === null).map((reason) => reason.reason);
    expect(withheld).toEqual(['study_skills', 'personal']);
  });

  it('withholds more while two primaries could be pinned by an attacker who knows both are below k', () => {
    // 9 + 9 + 20 = 38 leavers, k = 10: the pool 18 of two primaries pins each at 9; so 20 goes too.
    const result = protectReasons(counts({ study_choice: 9, not_landed: 9, other: 20 }), 7, 10, true, false);
    expect(shown(result)).toEqual({ study_choice: null, study_skills: 0, not_landed: null, content_gap: 0, personal: 0, other: null, unknown: 0 });
  });

  it('withholds every reason (zeros too) of a cell with fewer than k leavers, and of a withheld cell', () => {
    expect(protectReasons(counts({ personal: 9 }), 7, 10, true, false)).toMatchObject({ leavers: 9, protection: 'suppressed' });
    expect(protectReasons(counts({ personal: 9 }), 7, 10, true, false).reasons.every((reason) => reason.n === null)).toBe(true);
    expect(protectReasons(counts({ personal: 40 }), 7, 10, false, false)).toMatchObject({ leavers: null, protection: 'suppressed' });
    // Two reasons below k whose sum (11) would narrow each to fewer than k values, and nothing else to withhold: all withheld.
    expect(shown(protectReasons(counts({ personal: 3, unknown: 8 }), 7, 10, true, false))).toEqual(Object.fromEntries(['study_choice', 'study_skills', 'not_landed', 'content_gap', 'personal', 'other', 'unknown'].map((reason) => [reason, null])));
  });

  it('gives an institution noisy counts, within ±3 and 0 … leavers, the same for the same key and drawn anew for another', () => {
    const cell = counts({ study_choice: 20, study_skills: 15, not_landed: 12, unknown: 13 });
    const draws = new Set<string>();
    for (let key = 0; key < 50; key++) {
      const result = protectReasons(cell, key, 10, true, true);
      expect(result.protection).toBe('perturbed');
      expect(protectReasons(cell, key, 10, true, true)).toEqual(result);
      for (const reason of result.reasons) {
        if (reason.n === null) continue;
        const exact = cell.get(reason.reason) ?? 0;
        expect(Math.abs(reason.n - exact)).toBeLessThanOrEqual(3);
        expect(reason.n).toBeGreaterThanOrEqual(0);
      }
      draws.add(JSON.stringify(shown(result)));
    }
    expect(draws.size).toBeGreaterThan(20);
  });

  it('reads: the coordinator exactly, an institution its own cells with noise, no one else', () => {
    const cell = { supplier: 's', receiver: 'r' };
    expect(readsReasons({ kind: 'coordinator' }, cell)).toBe('exact');
    expect(readsReasons({ kind: 'institution', institutionId: 's' }, cell)).toBe('perturbed');
    expect(readsReasons({ kind: 'institution', institutionId: 'r' }, cell)).toBe('perturbed');
    expect(readsReasons({ kind: 'institution', institutionId: 'x' }, cell)).toBe('none');
  });
});
