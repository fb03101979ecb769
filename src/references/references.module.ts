import { Module } from '@nestjs/common';
import { ReferencesController } from 'src/references/references.controller';
import { ReferencesRepository } from 'src/references/references.repository';
import { ReferencesService } from 'src/references/references.service';

/** Reference series: published national and sector figures, imported by a platform administrator and shown beside the region's. */
@Module({
  controllers: [ReferencesController],
  providers: [ReferencesRepository, ReferencesService],
  exports: [ReferencesService],
})
export class ReferencesModule {}
