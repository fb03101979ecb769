import { Module } from '@nestjs/common';
import { AccessModule } from 'src/access/access.module';
import { OutcomesModule } from 'src/outcomes/outcomes.module';
import { SurveysController } from 'src/surveys/surveys.controller';
import { SurveysRepository } from 'src/surveys/surveys.repository';
import { SurveysService } from 'src/surveys/surveys.service';

/** Alumni surveys: the questionnaires and a school's survey figures. The answers are uploaded through `ingest` (record kind `surveys`). */
@Module({
  imports: [AccessModule, OutcomesModule],
  controllers: [SurveysController],
  providers: [SurveysService, SurveysRepository],
})
export class SurveysModule {}
