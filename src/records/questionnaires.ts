/*
 * The alumni questionnaires a supplying school may upload answers to (issue 14): small, fixed and
 * versioned, Likert 1–5 per item, no free text. A new version is a new entry here (its items may
 * differ); a version, once published, never changes, so that answers stay comparable. Uploads
 * refuse any version or item that is not here (src/records/kinds/surveys.ts).
 */

/** The answer scale: 1 = strongly disagree … 5 = strongly agree. */
export const LIKERT_MIN = 1;
export const LIKERT_MAX = 5;

export interface QuestionnaireItem {
  /** JSON property of the answer. */
  id: SurveyItemId;
  /** CSV column of the answer. */
  csv: string;
  nl: string;
  en: string;
}

export interface Questionnaire {
  version: string;
  title: { nl: string; en: string };
  /** When the survey is held: the pupils who started follow-up education in cohort surveyYear − 1. */
  timing: { nl: string; en: string };
  scale: { min: number; max: number; nl: string[]; en: string[] };
  items: readonly QuestionnaireItem[];
}

/** Every item any version asks, as JSON properties; a version picks from these. */
export const SURVEY_ITEM_IDS = ['choicePreparation', 'studySkills', 'subjectContent', 'transition'] as const;
export type SurveyItemId = (typeof SURVEY_ITEM_IDS)[number];

/** Survey year Y asks the pupils of follow-up cohort Y − 1, about a year after they left. */
export const SURVEY_COHORT_OFFSET = -1;

export const QUESTIONNAIRES: readonly Questionnaire[] = [
  {
    version: 'alumni-1',
    title: { nl: 'Alumni-enquête: hoe goed bereidde de school je voor?', en: 'Alumni survey: how well did the school prepare you?' },
    timing: {
      nl: 'Afgenomen in schooljaar J bij oud-leerlingen die in cohort J − 1 aan een vervolgopleiding begonnen, ongeveer een jaar na het verlaten van de school.',
      en: 'Held in school year Y among former pupils who started follow-up education in cohort Y − 1, about a year after leaving school.',
    },
    scale: {
      min: LIKERT_MIN,
      max: LIKERT_MAX,
      nl: ['helemaal mee oneens', 'mee oneens', 'neutraal', 'mee eens', 'helemaal mee eens'],
      en: ['strongly disagree', 'disagree', 'neutral', 'agree', 'strongly agree'],
    },
    items: [
      {
        id: 'choicePreparation',
        csv: 'choice_preparation',
        nl: 'De school heeft mij goed voorbereid op het kiezen van mijn vervolgopleiding.',
        en: 'The school prepared me well for choosing my follow-up programme.',
      },
      {
        id: 'studySkills',
        csv: 'study_skills',
        nl: 'Ik had de studievaardigheden (plannen, zelfstandig werken, leren leren) die mijn vervolgopleiding vraagt.',
        en: 'I had the study skills (planning, working independently, learning to learn) my follow-up programme asks for.',
      },
      {
        id: 'subjectContent',
        csv: 'subject_content',
        nl: 'De vakinhoud van mijn vooropleiding sloot aan op mijn vervolgopleiding.',
        en: 'The subject content of my previous school matched my follow-up programme.',
      },
      {
        id: 'transition',
        csv: 'transition',
        nl: 'De overstap naar mijn vervolgopleiding verliep goed.',
        en: 'The transition to my follow-up programme went well.',
      },
    ],
  },
];

export const questionnaireByVersion = (version: string): Questionnaire | undefined => QUESTIONNAIRES.find((questionnaire) => questionnaire.version === version);
