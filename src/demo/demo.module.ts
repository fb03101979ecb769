import { Module } from '@nestjs/common';
import { DemoService } from 'src/demo/demo.service';
import { IngestModule } from 'src/ingest/ingest.module';
import { ProgrammesModule } from 'src/programmes/programmes.module';
import { ReferencesModule } from 'src/references/references.module';

@Module({ imports: [IngestModule, ProgrammesModule, ReferencesModule], providers: [DemoService], exports: [DemoService] })
export class DemoModule {}
