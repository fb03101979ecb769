import { Module } from '@nestjs/common';
import { AccessModule } from 'src/access/access.module';
import { InterventionsController } from 'src/interventions/interventions.controller';
import { InterventionsRepository } from 'src/interventions/interventions.repository';
import { InterventionsService } from 'src/interventions/interventions.service';
import { OutcomesModule } from 'src/outcomes/outcomes.module';

/**
 * Interventions and their measured effect (docs/interventions.md). Exports the service for the
 * review agenda (`InterventionsService.dueForReview`).
 */
@Module({
  imports: [AccessModule, OutcomesModule],
  controllers: [InterventionsController],
  providers: [InterventionsRepository, InterventionsService],
  exports: [InterventionsService],
})
export class InterventionsModule {}
