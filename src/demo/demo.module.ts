import { Module } from '@nestjs/common';
import { DemoService } from 'src/demo/demo.service';
import { IngestModule } from 'src/ingest/ingest.module';
import { ProgrammesModule } from 'src/programmes/programmes.module';

@Module({ imports: [IngestModule, ProgrammesModule], providers: [DemoService], exports: [DemoService] })
export class DemoModule {}
