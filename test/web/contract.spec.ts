import type { AlertDetailDto, AlertListDto } from 'src/alerts/dto/alert.dto';
import type { TokenResponseDto } from 'src/auth/dto/token.dto';
import type { AgendaDto } from 'src/conversations/agenda/agenda.dto';
import type { ConversationDetailDto, ConversationListDto } from 'src/conversations/dto/conversation.dto';
import type { FlowsDto, InsightsViewDto, RegionReportDto } from 'src/insights/dto/insights.dto';
import type { InterventionDetailDto, InterventionListDto } from 'src/interventions/dto/intervention.dto';
import type { RoutesDto } from 'src/insights/dto/routes.dto';
import type { RegionPageDto } from 'src/institutions/dto/institution.dto';
import type { DefinitionSetDto } from 'src/outcomes/dto/definition.dto';
import type { QuestionnaireListDto, SurveyFiguresDto } from 'src/surveys/dto/survey.dto';
import type * as Web from 'web/src/types';
import type * as WebInterventions from 'web/src/types-interventions';

// The front end's picture of the API (web/src/types.ts) must stay in step with the DTOs the API
// is generated from: each line below stops the type check (npm run typecheck, CI) when a DTO
// drops or changes a field the front end reads.

/** A DTO as it arrives in the browser: dates are ISO strings. */
type Json<T> = T extends Date ? string : T extends Array<infer U> ? Array<Json<U>> : T extends object ? { [K in keyof T]: Json<T[K]> } : T;
type Fits<Dto, WebType> = [Json<Dto>] extends [WebType] ? true : false;

const contract = {
  regionReport: true satisfies Fits<RegionReportDto, Web.RegionReport>,
  insightsView: true satisfies Fits<InsightsViewDto, Web.InsightsView>,
  flows: true satisfies Fits<FlowsDto, Web.Flows>,
  routes: true satisfies Fits<RoutesDto, Web.Routes>,
  surveyFigures: true satisfies Fits<SurveyFiguresDto, Web.SurveyFigures>,
  questionnaires: true satisfies Fits<QuestionnaireListDto, { items: Web.Questionnaire[] }>,
  definitionSet: true satisfies Fits<DefinitionSetDto, Web.DefinitionSet>,
  regions: true satisfies Fits<RegionPageDto, Web.Page<Web.Region>>,
  alerts: true satisfies Fits<AlertListDto, Web.Page<Web.Alert>>,
  alertDetail: true satisfies Fits<AlertDetailDto, Web.AlertDetail>,
  token: true satisfies Fits<TokenResponseDto, Web.TokenResponse>,
  conversations: true satisfies Fits<ConversationListDto, Web.Page<Web.Conversation>>,
  conversation: true satisfies Fits<ConversationDetailDto, Web.ConversationDetail>,
  agenda: true satisfies Fits<AgendaDto, Web.Agenda>,
  interventions: true satisfies Fits<InterventionListDto, { items: WebInterventions.Intervention[]; total: number }>,
  intervention: true satisfies Fits<InterventionDetailDto, WebInterventions.InterventionDetail>,
};

describe('the front end reads the API as its DTOs describe it', () => {
  it('type-checks every response the front end reads against its DTO', () => {
    expect(Object.values(contract).every(Boolean)).toBe(true);
  });
});
