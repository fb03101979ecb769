import { Module } from '@nestjs/common';
import { InstitutionsController, RegionsController } from 'src/institutions/institutions.controller';
import { InstitutionsRepository } from 'src/institutions/institutions.repository';
import { InstitutionsService } from 'src/institutions/institutions.service';

@Module({
  controllers: [RegionsController, InstitutionsController],
  providers: [InstitutionsRepository, InstitutionsService],
  exports: [InstitutionsService, InstitutionsRepository],
})
export class InstitutionsModule {}
