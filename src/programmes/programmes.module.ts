import { Module } from '@nestjs/common';
import { ProgrammesController } from 'src/programmes/programmes.controller';
import { ProgrammesRepository } from 'src/programmes/programmes.repository';
import { ProgrammesService } from 'src/programmes/programmes.service';

/** The programme code lists (crebo, CROHO) and their successions: the catalogue uploads are checked against. */
@Module({
  controllers: [ProgrammesController],
  providers: [ProgrammesRepository, ProgrammesService],
  exports: [ProgrammesService],
})
export class ProgrammesModule {}
