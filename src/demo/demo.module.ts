import { Module } from '@nestjs/common';
import { DemoService } from 'src/demo/demo.service';
import { IngestModule } from 'src/ingest/ingest.module';

@Module({ imports: [IngestModule], providers: [DemoService], exports: [DemoService] })
export class DemoModule {}
