import { MigrationInterface, QueryRunner } from 'typeorm';

/** Alumni survey answers per pseudonym, uploaded by the supplying school (issue 14; src/records/kinds/surveys.ts). */
export class SurveyAnswers1796226828434 implements MigrationInterface {
  name = 'SurveyAnswers1796226828434';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "survey_answers" ("institution_id" uuid NOT NULL, "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "pseudonym" character(64) NOT NULL, "questionnaire" character varying(16) NOT NULL, "survey_year" smallint NOT NULL, "choice_preparation" smallint, "study_skills" smallint, "subject_content" smallint, "transition" smallint, "created_batch_id" uuid NOT NULL, "updated_batch_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_survey_answers_natural_key" UNIQUE ("pseudonym", "institution_id", "questionnaire", "survey_year"), CONSTRAINT "PK_6e3acd0bc2649f2535b6a76b69b" PRIMARY KEY ("institution_id", "id"))`);
    await queryRunner.query(`CREATE INDEX "idx_survey_answers_institution_year" ON "survey_answers" ("institution_id", "survey_year") `);
    await queryRunner.query(`ALTER TABLE "survey_answers" ADD CONSTRAINT "FK_b1d801b629c194358e26c660572" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "survey_answers" DROP CONSTRAINT "FK_b1d801b629c194358e26c660572"`);
    await queryRunner.query(`DROP INDEX "public"."idx_survey_answers_institution_year"`);
    await queryRunner.query(`DROP TABLE "survey_answers"`);
  }
}
