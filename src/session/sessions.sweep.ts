import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { JobRunner } from 'src/jobs/job-runner';
import { SessionsRepository } from 'src/session/sessions.repository';

/**
 * The recurring job that deletes web sessions and sign-in attempts past their time. A sign-in
 * also clears them, but a session whose person never signs in again would otherwise keep its row
 * (the person, the role, when last seen) for ever.
 */
@Injectable()
export class SessionsSweep implements OnModuleInit {
  constructor(
    private readonly repository: SessionsRepository,
    private readonly runner: JobRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.runner.handle('sessions', () => this.sweep());
  }

  async sweep(): Promise<void> {
    await this.repository.deleteExpired(this.config.signIn.sessionIdleSeconds);
  }
}
