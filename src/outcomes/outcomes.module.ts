import { Module } from '@nestjs/common';
import { AccessModule } from 'src/access/access.module';
import { JobsModule } from 'src/jobs/jobs.module';
import { DefinitionsController } from 'src/outcomes/definitions.controller';
import { DefinitionsRepository } from 'src/outcomes/definitions.repository';
import { DefinitionsService } from 'src/outcomes/definitions.service';
import { DisclosureRepository } from 'src/outcomes/disclosure/disclosure.repository';
import { DisclosureService } from 'src/outcomes/disclosure/disclosure.service';
import { PublicationPlanner } from 'src/outcomes/disclosure/publication-planner';
import { RefreshService } from 'src/outcomes/refresh.service';
import { SummariesRepository } from 'src/outcomes/summaries.repository';

@Module({
  imports: [AccessModule, JobsModule],
  controllers: [DefinitionsController],
  providers: [DefinitionsRepository, DefinitionsService, PublicationPlanner, SummariesRepository, RefreshService, DisclosureRepository, DisclosureService],
  exports: [DefinitionsService, DefinitionsRepository, RefreshService, DisclosureService],
})
export class OutcomesModule {}
