import { OutcomeTriggers1795334140571 } from 'migrations/1795334140571-OutcomeTriggers';
import { AuditLogAppendOnly1795332675556 } from 'migrations/1795332675556-AuditLogAppendOnly';
import { Initial1795332674556 } from 'migrations/1795332674556-Initial';

import { Ingest1795333292698 } from 'migrations/1795333292698-Ingest';

import { Outcomes1795334139571 } from 'migrations/1795334139571-Outcomes';

import { Alerts1795335475327 } from 'migrations/1795335475327-Alerts';

import { AuditScopeLength1795337514189 } from 'migrations/1795337514189-AuditScopeLength';

import { ViewVersions1796141088739 } from 'migrations/1796141088739-ViewVersions';

import { AuditTarget1796177900000 } from 'migrations/1796177900000-AuditTarget';

import { AuditChain1796177987029 } from 'migrations/1796177987029-AuditChain';

import { AuditChainTrigger1796177988029 } from 'migrations/1796177988029-AuditChainTrigger';

import { ServiceRole1796177989029 } from 'migrations/1796177989029-ServiceRole';

import { DisclosureControl1796177565816 } from 'migrations/1796177565816-DisclosureControl';

import { People1796178000000 } from 'migrations/1796178000000-People';

import { IncrementalRefresh1796201979344 } from 'migrations/1796201979344-IncrementalRefresh';
import { ReferenceSeries1796202206257 } from 'migrations/1796202206257-ReferenceSeries';
import { ReferenceSeriesViewVersions1796202206258 } from 'migrations/1796202206258-ReferenceSeriesViewVersions';
import { RouteSummaries1796203222715 } from 'migrations/1796203222715-RouteSummaries';
import { RouteRecordKeys1796204000000 } from 'migrations/1796204000000-RouteRecordKeys';
import { AlertTriage1796215746468 } from 'migrations/1796215746468-AlertTriage';

import { Interventions1796226760382 } from 'migrations/1796226760382-Interventions';
import { Conversations1796226773031 } from 'migrations/1796226773031-Conversations';
import { ExitReasons1796226800000 } from 'migrations/1796226800000-ExitReasons';
import { SurveyAnswers1796226828434 } from 'migrations/1796226828434-SurveyAnswers';

import { KeptRoutes1796230081414 } from 'migrations/1796230081414-KeptRoutes';

import { FlowSummaries1796244331206 } from 'migrations/1796244331206-FlowSummaries';
import { FlowSummariesFromOutcomes1796244331207 } from 'migrations/1796244331207-FlowSummariesFromOutcomes';

import { KeptRowsPerRegion1796260000000 } from 'migrations/1796260000000-KeptRowsPerRegion';

/** Every migration, in order. New migrations are appended here by `npm run migration:generate`. */
export const MIGRATIONS: Function[] = [Initial1795332674556, AuditLogAppendOnly1795332675556, Ingest1795333292698, Outcomes1795334139571, OutcomeTriggers1795334140571, Alerts1795335475327, AuditScopeLength1795337514189, ViewVersions1796141088739, DisclosureControl1796177565816, AuditTarget1796177900000, AuditChain1796177987029, AuditChainTrigger1796177988029, ServiceRole1796177989029, People1796178000000, IncrementalRefresh1796201979344, ReferenceSeries1796202206257, ReferenceSeriesViewVersions1796202206258, RouteSummaries1796203222715, RouteRecordKeys1796204000000, AlertTriage1796215746468, Interventions1796226760382, Conversations1796226773031, ExitReasons1796226800000, SurveyAnswers1796226828434, KeptRoutes1796230081414, FlowSummaries1796244331206, FlowSummariesFromOutcomes1796244331207, KeptRowsPerRegion1796260000000];
