import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AlertsModule } from 'src/alerts/alerts.module';
import { ENTITIES } from 'src/app.entities';
import { AuditModule } from 'src/audit/audit.module';
import { AccessGuard } from 'src/access/access.guard';
import { AttemptLimitsModule } from 'src/access/attempt-limits';
import { AuthModule } from 'src/auth/auth.module';
import { ClientThrottlerGuard } from 'src/access/client-throttler.guard';
import { buildLoggerOptions } from 'src/common/logging';
import { ProblemFilter } from 'src/common/problem.filter';
import { ProblemValidationPipe } from 'src/common/validation.pipe';
import { AppConfig } from 'src/config/app-config';
import { ConfigModule } from 'src/config/config.module';
import { ConversationsModule } from 'src/conversations/conversations.module';
import { DatabaseTarget } from 'src/database/database-connection';
import { buildDataSourceOptions } from 'src/database/data-source-options';
import { ReadReplicaModule } from 'src/database/read-replica.module';
import { DemoModule } from 'src/demo/demo.module';
import { HealthModule } from 'src/health/health.module';
import { IngestModule } from 'src/ingest/ingest.module';
import { RecordsModule } from 'src/records/records.module';
import { InsightsModule } from 'src/insights/insights.module';
import { InterventionsModule } from 'src/interventions/interventions.module';
import { SurveysModule } from 'src/surveys/surveys.module';
import { InstitutionsModule } from 'src/institutions/institutions.module';
import { OutcomesModule } from 'src/outcomes/outcomes.module';
import { PeopleModule } from 'src/people/people.module';
import { RetentionModule } from 'src/retention/retention.module';
import { ProgrammesModule } from 'src/programmes/programmes.module';
import { ReferencesModule } from 'src/references/references.module';
import { SessionModule } from 'src/session/session.module';

@Module({})
export class AppModule {
  /** `logDestination`: where the JSON log lines go (default stdout; tests read them). */
  static forRoot(config: AppConfig, database: DatabaseTarget, options: { logDestination?: DestinationStream } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(buildLoggerOptions(config, options.logDestination)),
        TypeOrmModule.forRoot(
          buildDataSourceOptions(database, { poolSize: config.database.poolSize, statementTimeoutMs: config.database.statementTimeoutMs }, ENTITIES),
        ),
        ReadReplicaModule.forRoot(
          config.database.read && database.kind === 'postgres'
            ? { ...config.database.read, poolSize: config.database.poolSize, statementTimeoutMs: config.database.statementTimeoutMs, entities: ENTITIES }
            : null,
        ),
        ThrottlerModule.forRoot([{ name: 'default', ttl: 60_000, limit: config.rateLimitPerMinute }]),
        AttemptLimitsModule,
        AuditModule,
        HealthModule,
        AuthModule,
        PeopleModule,
        SessionModule,
        InstitutionsModule,
        ProgrammesModule,
        ReferencesModule,
        IngestModule,
        RecordsModule,
        OutcomesModule,
        AlertsModule,
        ConversationsModule,
        InsightsModule,
        InterventionsModule,
        SurveysModule,
        RetentionModule,
        DemoModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: ClientThrottlerGuard },
        { provide: APP_PIPE, useClass: ProblemValidationPipe },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
