import { Module } from '@nestjs/common';
import { AccessModule } from 'src/access/access.module';
import { RecordsController } from 'src/records/records.controller';
import { RecordsRepository } from 'src/records/records.repository';
import { RecordsService } from 'src/records/records.service';

/** The record model (kinds, codes, entities) and an institution's reads of its own records. */
@Module({
  imports: [AccessModule],
  controllers: [RecordsController],
  providers: [RecordsRepository, RecordsService],
})
export class RecordsModule {}
