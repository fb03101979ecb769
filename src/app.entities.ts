import { AlertEntity, AlertHistoryEntity, AlertTriageEntity } from 'src/alerts/alert.entity';
import { WebhookDeliveryEntity, WebhookEntity } from 'src/alerts/webhooks/webhook.entity';
import { ConversationActionEventEntity, ConversationEntity, ConversationEntryEntity } from 'src/conversations/conversation.entity';
import { AuditEntryEntity } from 'src/audit/audit-entry.entity';
import { ApiClientEntity } from 'src/auth/api-client.entity';
import { EnrolmentEntity } from 'src/records/enrolment.entity';
import { IdempotencyKeyEntity } from 'src/idempotency/idempotency-key.entity';
import { IngestBatchEntity } from 'src/ingest/ingest-batch.entity';
import { InterventionEntity } from 'src/interventions/intervention.entity';
import { LeaverEntity } from 'src/records/leaver.entity';
import { SurveyAnswerEntity } from 'src/records/survey-answer.entity';
import { ProgrammeEntity, ProgrammeSuccessorEntity } from 'src/programmes/programme.entity';
import { ReferencePointEntity, ReferenceSeriesEntity } from 'src/references/reference.entity';
import { ViewVersionEntity } from 'src/insights/view-version.entity';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { MembershipEntity } from 'src/institutions/membership.entity';
import { RegionEntity } from 'src/institutions/region.entity';
import { JobEntity } from 'src/jobs/job.entity';
import { InvitationEntity, PersonEntity, PersonRoleEntity } from 'src/people/person.entity';
import { SignInAttemptEntity, WebSessionEntity } from 'src/session/web-session.entity';
import { DefinitionSetEntity } from 'src/outcomes/definition-set.entity';
import { DisclosureSecretEntity, WithheldCellEntity } from 'src/outcomes/disclosure/disclosure.entities';
import { EnrolmentOutcomeEntity, LeaverOutcomeEntity, PendingStudentEntity } from 'src/outcomes/derived-record.entity';
import { FlowSummaryEntity, LeaverSummaryEntity, OutcomeSummaryEntity, SummaryRefreshEntity } from 'src/outcomes/outcome-summary.entity';
import { ReasonSummaryEntity } from 'src/outcomes/reason-summary.entity';
import { RouteSummaryEntity } from 'src/outcomes/route-summary.entity';

/** Every entity of the application; the migration drift check compares these to the schema. */
export const ENTITIES = [
  RegionEntity,
  InstitutionEntity,
  MembershipEntity,
  ApiClientEntity,
  AuditEntryEntity,
  ProgrammeEntity,
  ProgrammeSuccessorEntity,
  EnrolmentEntity,
  LeaverEntity,
  SurveyAnswerEntity,
  IngestBatchEntity,
  IdempotencyKeyEntity,
  JobEntity,
  DefinitionSetEntity,
  OutcomeSummaryEntity,
  FlowSummaryEntity,
  LeaverSummaryEntity,
  SummaryRefreshEntity,
  EnrolmentOutcomeEntity,
  LeaverOutcomeEntity,
  PendingStudentEntity,
  AlertEntity,
  AlertHistoryEntity,
  AlertTriageEntity,
  InterventionEntity,
  WebhookEntity,
  WebhookDeliveryEntity,
  ViewVersionEntity,
  WithheldCellEntity,
  RouteSummaryEntity,
  ReasonSummaryEntity,
  DisclosureSecretEntity,
  PersonEntity,
  PersonRoleEntity,
  InvitationEntity,
  WebSessionEntity,
  SignInAttemptEntity,
  ReferenceSeriesEntity,
  ReferencePointEntity,
  ConversationEntity,
  ConversationEntryEntity,
  ConversationActionEventEntity,
];
