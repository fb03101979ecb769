import { Module } from '@nestjs/common';
import { InsightsController } from 'src/insights/insights.controller';
import { InsightsRepository } from 'src/insights/insights.repository';
import { InsightsService } from 'src/insights/insights.service';
import { ViewCache } from 'src/insights/view-cache';
import { InstitutionsModule } from 'src/institutions/institutions.module';
import { OutcomesModule } from 'src/outcomes/outcomes.module';

@Module({
  imports: [InstitutionsModule, OutcomesModule],
  controllers: [InsightsController],
  providers: [InsightsRepository, InsightsService, ViewCache],
})
export class InsightsModule {}
