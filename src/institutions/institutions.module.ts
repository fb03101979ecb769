import { Module } from '@nestjs/common';
import { AccessModule } from 'src/access/access.module';
import { InstitutionsController, RegionsController } from 'src/institutions/institutions.controller';
import { InstitutionsRepository } from 'src/institutions/institutions.repository';
import { InstitutionsService } from 'src/institutions/institutions.service';

@Module({
  imports: [AccessModule],
  controllers: [RegionsController, InstitutionsController],
  providers: [InstitutionsRepository, InstitutionsService],
  exports: [InstitutionsService, InstitutionsRepository],
})
export class InstitutionsModule {}
