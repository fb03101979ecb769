import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { PublicRoute } from 'src/access/authenticated.decorator';
import { ReadReplica } from 'src/database/read-replica';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly replica: ReadReplica,
  ) {}

  /** Liveness: the process is up and serving requests. */
  @Get()
  @PublicRoute()
  @HealthCheck()
  getLiveness(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /**
   * Readiness: the database answers; load balancers route traffic only while this is 200. The read
   * replica, when configured, is reported (state, lag, reads it answered) but never fails
   * readiness: without it the primary answers the views.
   */
  @Get('ready')
  @PublicRoute()
  @HealthCheck()
  getReadiness(): Promise<HealthCheckResult> {
    const replica = async (): Promise<HealthIndicatorResult> => ({ replica: { status: 'up', ...(await this.replica.probe()) } });
    return this.health.check([() => this.database.pingCheck('database', { timeout: 2_000 }), ...(this.replica.enabled ? [replica] : [])]);
  }
}
