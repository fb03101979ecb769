import { Module } from '@nestjs/common';
import { AccessModule } from 'src/access/access.module';
import { InsightsController } from 'src/insights/insights.controller';
import { InsightsRepository } from 'src/insights/insights.repository';
import { InsightsService } from 'src/insights/insights.service';
import { ReasonViewsRepository } from 'src/insights/reason-views.repository';
import { ReasonsService } from 'src/insights/reasons.service';
import { RouteViewsRepository } from 'src/insights/route-views.repository';
import { RoutesService } from 'src/insights/routes.service';
import { ViewCache } from 'src/insights/view-cache';
import { OutcomesModule } from 'src/outcomes/outcomes.module';
import { ReferencesModule } from 'src/references/references.module';
import { ViewReferences } from 'src/insights/view-references';

@Module({
  imports: [AccessModule, OutcomesModule, ReferencesModule],
  controllers: [InsightsController],
  providers: [InsightsRepository, InsightsService, RouteViewsRepository, RoutesService, ReasonViewsRepository, ReasonsService, ViewCache, ViewReferences],
})
export class InsightsModule {}
