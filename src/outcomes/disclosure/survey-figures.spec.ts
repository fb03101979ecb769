import { addKeys, cellNoise, NOISE_BOUND } from 'src/outcomes/disclosure/cell-key';
import { protectSurveyCell, SURVEY_SUM_NOISE_BOUND, SurveyPupil } from 'src/outcomes/disclosure/survey-figures';

const SCALE = { min: 1, max: 5 };
const K = 10;

/** n pupils, the first r of them answering `answer` to both items; keys from a simple sequence. */
const cell = (n: number, r: number, answer: number, offset = 0): SurveyPupil[] =>
  Array.from({ length: n }, (_, i) => ({ pupilKey: 1_000 + 7 * (i + offset), respondent: i < r ? { key: 5_000 + 13 * (i + offset), answers: [answer, i % 2 === 0 ? answer : null] } : null }));

describe('protectSurveyCell', () => {
  it('applies the documented rule: noisy counts, the threshold k + 3 on them, means from noisy sums over noisy counts', () => {
    for (let offset = 0; offset < 200; offset++) {
      const pupils = cell(30, 20, 4, offset);
      const pupilKey = pupils.reduce((sum, pupil) => addKeys(sum, pupil.pupilKey), 0);
      const respondentKey = pupils.reduce((sum, pupil) => (pupil.respondent ? addKeys(sum, pupil.respondent.key) : sum), 0);
      const figures = protectSurveyCell(pupils, 2, K, SCALE);
      expect(figures.formerPupils).toBe(30 + cellNoise(pupilKey, 'survey:pupils'));
      expect(figures.respondents).toBe(20 + cellNoise(respondentKey, 'survey:respondents'));
      expect(figures.protection).toBe('perturbed');
      const first = (80 + cellNoise(respondentKey, 'survey:sum:0', SURVEY_SUM_NOISE_BOUND)) / (20 + cellNoise(respondentKey, 'survey:answered:0'));
      expect(figures.means[0]).toBe(Math.round(Math.min(5, Math.max(1, first)) * 10) / 10);
      // 10 answers to the second item reach k + 3 only with the largest noise.
      expect(figures.means[1] === null).toBe(10 + cellNoise(respondentKey, 'survey:answered:1') < K + NOISE_BOUND);
      expect(figures.meanMargin).toBe(Math.ceil((SURVEY_SUM_NOISE_BOUND / figures.respondents!) * 10) / 10);
    }
  });

  it('never shows a cell that may hold fewer than k pupils or respondents, and always one that must hold k + 6', () => {
    for (let offset = 0; offset < 300; offset++) {
      for (const [n, r] of [
        [K + 2 * NOISE_BOUND, K - 1],
        [K - 1, K - 1],
        [40, 1],
      ]) {
        const figures = protectSurveyCell(cell(n, r, 3, offset), 2, K, SCALE);
        if (figures.protection === 'perturbed') {
          expect(n).toBeGreaterThanOrEqual(K);
          expect(r).toBeGreaterThanOrEqual(K);
        } else expect(figures).toEqual({ protection: 'suppressed', formerPupils: null, respondents: null, responseRate: null, means: [null, null], meanMargin: null });
      }
      expect(protectSurveyCell(cell(K + 2 * NOISE_BOUND, K + 2 * NOISE_BOUND, 3, offset), 2, K, SCALE).protection).toBe('perturbed');
    }
  });

  it('draws the noise anew when one answer changes, and keeps every mean on the scale', () => {
    const pupils = cell(40, 30, 1);
    const changed = pupils.map((pupil, i) => (i === 0 ? { ...pupil, respondent: { key: 99_991, answers: [5, 5] } } : pupil));
    const before = protectSurveyCell(pupils, 2, K, SCALE);
    const after = protectSurveyCell(changed, 2, K, SCALE);
    for (const figures of [before, after]) for (const mean of figures.means) if (mean !== null) expect(mean).toBeGreaterThanOrEqual(1);
    expect([before.respondents, ...before.means]).not.toEqual([after.respondents, ...after.means]);
  });
});
