import { Module } from '@nestjs/common';
import { SESSION_AUTHENTICATOR } from 'src/access/session-authenticator';
import { JobsModule } from 'src/jobs/jobs.module';
import { PeopleModule } from 'src/people/people.module';
import { IdentityProviders } from 'src/session/identity-providers';
import { SessionController } from 'src/session/session.controller';
import { SessionService } from 'src/session/session.service';
import { SessionsRepository } from 'src/session/sessions.repository';
import { SessionsSweep } from 'src/session/sessions.sweep';

/** Sign-in through OpenID Connect and the web report's session; the guard authenticates sessions through SESSION_AUTHENTICATOR. */
@Module({
  imports: [PeopleModule, JobsModule],
  controllers: [SessionController],
  providers: [IdentityProviders, SessionsRepository, SessionService, SessionsSweep, { provide: SESSION_AUTHENTICATOR, useExisting: SessionService }],
  exports: [SESSION_AUTHENTICATOR, SessionService],
})
export class SessionModule {}
