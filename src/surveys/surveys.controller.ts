import { Controller, Get, Query } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated } from 'src/access/authenticated.decorator';
import { Principal } from 'src/access/principal';
import { CsvExport } from 'src/common/csv-export';
import { surveyFiguresToCsv } from 'src/surveys/survey-csv';
import { QuestionnaireListDto, SurveyFiguresDto, SurveyFiguresQueryDto } from 'src/surveys/dto/survey.dto';
import { SurveysService } from 'src/surveys/surveys.service';

@ApiTags('surveys')
@Controller('surveys')
export class SurveysController {
  constructor(private readonly surveys: SurveysService) {}

  @Get('questionnaires')
  @Authenticated({ scope: ['records:write', 'insights:read'] })
  @ApiOperation({
    summary: 'The alumni questionnaires whose answers a supplying school may upload (POST /v1/surveys:batch, or CSV with kind=surveys), with every item in Dutch and English.',
  })
  @ApiOkResponse({ type: QuestionnaireListDto })
  questionnaires(): QuestionnaireListDto {
    return this.surveys.questionnaires();
  }

  @Get('figures')
  @Authenticated({ scope: 'insights:read' })
  @CsvExport(surveyFiguresToCsv)
  @ApiOperation({
    summary: "A supplying school's alumni survey figures: its respondents' mean score per item by outcome group and by receiver, with response rates.",
    description:
      'Linked to the outcomes of the former pupils of cohort surveyYear − 1. Every count carries cell-key noise (±3), every mean comes from a perturbed sum, and a cell is shown only when at least k former pupils and k respondents must be in it (docs/disclosure-control.md, alumni surveys). Institutions only: the school sees its own survey. With `Accept: text/csv`, one row per cell.',
  })
  @ApiOkResponse({ type: SurveyFiguresDto })
  @ApiForbiddenResponse({ description: 'Not an institution (coordinators and administrators do not read a school\'s survey).' })
  figures(@Auth() auth: Principal, @Query() query: SurveyFiguresQueryDto): Promise<SurveyFiguresDto> {
    return this.surveys.figures(auth, query);
  }
}
