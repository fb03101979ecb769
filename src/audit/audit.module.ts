import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AccessModule } from 'src/access/access.module';
import { AuditController } from 'src/audit/audit.controller';
import { AuditMiddleware } from 'src/audit/audit.middleware';
import { AuditRepository } from 'src/audit/audit.repository';
import { AuditService } from 'src/audit/audit.service';
import { AuditWriter } from 'src/audit/audit-writer';

@Global()
@Module({
  imports: [AccessModule],
  controllers: [AuditController],
  providers: [AuditRepository, AuditWriter, AuditService],
  exports: [AuditWriter, AuditRepository],
})
export class AuditModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuditMiddleware).forRoutes('*path');
  }
}
