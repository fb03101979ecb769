import { addKeys, cellNoise, NOISE_BOUND } from 'src/outcomes/disclosure/cell-key';

/*
 * Disclosure control of a supplying school's alumni survey figures (issue 14,
 * docs/disclosure-control.md "Alumni surveys"). The school controls the survey data completely:
 * it chooses whom it uploads answers for and what they answered. So a cell of its survey figures
 * (its former pupils of one cohort in one outcome group, or at one receiver) is a subset of
 * pupils the school picked, and every figure is a reading of who is in the cell. Every count and
 * every sum therefore carries cell-key noise, and a cell is shown only when its perturbed counts
 * are large enough; the threshold is on the perturbed counts only, so that no exact count decides
 * what appears.
 */

/**
 * Largest noise on the sum of one item's answers: five respondents' worth of the widest step of
 * the scale (1 → 5). A school that plants one extreme answer among answers it knows moves a sum by
 * at most 4; with ±12 (three respondents) the planted-extremes probe guessed the outcome group of
 * 58–69 % of its targets (chance 33 %), with ±20 41–55 % of 150 (docs/disclosure-control.md).
 */
export const SURVEY_SUM_NOISE_BOUND = 5 * 4;

/** One former pupil of a cell, and the answers when the school uploaded any. */
export interface SurveyPupil {
  /** The key of the pupil's enrolment (enrolment_outcomes.record_key). */
  pupilKey: number;
  /** The key of the answer row, drawn from its id and its answers: a changed answer draws the noise anew. */
  respondent: { key: number; answers: ReadonlyArray<number | null> } | null;
}

export type SurveyProtection = 'perturbed' | 'suppressed';

export interface ProtectedSurveyCell {
  protection: SurveyProtection;
  /** Former pupils in the cell, with noise of at most ±3. */
  formerPupils: number | null;
  /** Respondents among them, with noise of at most ±3. */
  respondents: number | null;
  /** Perturbed respondents ÷ perturbed former pupils, 2 decimals. */
  responseRate: number | null;
  /** Per item: the mean answer from a perturbed sum over a perturbed count, 1 decimal, within the scale; null when too few answered. */
  means: Array<number | null>;
  /** How far the sum's noise can move a mean: the bound over the perturbed respondents (derived from published figures only), rounded up to 0.1. */
  meanMargin: number | null;
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

/**
 * The published figures of one cell. Shown when both perturbed counts reach k + 3, which with
 * noise of at most 3 means that at least k former pupils and k respondents are in it, whatever
 * the noise; a mean when the perturbed number of answers to its item reaches k + 3 too.
 */
export function protectSurveyCell(pupils: readonly SurveyPupil[], itemCount: number, k: number, scale: { min: number; max: number }): ProtectedSurveyCell {
  const threshold = k + NOISE_BOUND;
  const pupilKey = pupils.reduce((sum, pupil) => addKeys(sum, pupil.pupilKey), 0);
  const respondents = pupils.flatMap((pupil) => (pupil.respondent ? [pupil.respondent] : []));
  const respondentKey = respondents.reduce((sum, respondent) => addKeys(sum, respondent.key), 0);
  const formerPupils = Math.max(0, pupils.length + cellNoise(pupilKey, 'survey:pupils'));
  const responding = Math.max(0, respondents.length + cellNoise(respondentKey, 'survey:respondents'));
  const suppressed: ProtectedSurveyCell = { protection: 'suppressed', formerPupils: null, respondents: null, responseRate: null, means: new Array<null>(itemCount).fill(null), meanMargin: null };
  if (formerPupils < threshold || responding < threshold) return suppressed;

  const means: Array<number | null> = [];
  for (let item = 0; item < itemCount; item++) {
    let answered = 0;
    let sum = 0;
    for (const respondent of respondents) {
      const answer = respondent.answers[item];
      if (answer === null || answer === undefined) continue;
      answered++;
      sum += answer;
    }
    const count = answered + cellNoise(respondentKey, `survey:answered:${item}`);
    if (count < threshold) {
      means.push(null);
      continue;
    }
    const noisySum = sum + cellNoise(respondentKey, `survey:sum:${item}`, SURVEY_SUM_NOISE_BOUND);
    means.push(Math.round(clamp(noisySum / count, scale.min, scale.max) * 10) / 10);
  }
  return {
    protection: 'perturbed',
    formerPupils,
    respondents: responding,
    responseRate: Math.round(Math.min(1, responding / formerPupils) * 100) / 100,
    means,
    meanMargin: Math.ceil((SURVEY_SUM_NOISE_BOUND / responding) * 10) / 10,
  };
}
