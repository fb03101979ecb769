import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AccessModule } from 'src/access/access.module';
import { AuditChainVerifier } from 'src/audit/audit-chain';
import { AuditController } from 'src/audit/audit.controller';
import { AuditMiddleware } from 'src/audit/audit.middleware';
import { AuditRepository } from 'src/audit/audit.repository';
import { AuditService } from 'src/audit/audit.service';
import { AuditTargetInterceptor } from 'src/audit/audit-target.interceptor';
import { AuditWriter } from 'src/audit/audit-writer';

/** The audit trail: its middleware is installed by createApp in front of the body parsers (see AuditMiddleware). */
@Global()
@Module({
  imports: [AccessModule],
  controllers: [AuditController],
  providers: [AuditRepository, AuditWriter, AuditService, AuditMiddleware, AuditChainVerifier, { provide: APP_INTERCEPTOR, useClass: AuditTargetInterceptor }],
  exports: [AuditWriter, AuditRepository, AuditMiddleware, AuditChainVerifier],
})
export class AuditModule {}
