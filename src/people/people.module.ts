import { Module } from '@nestjs/common';
import { AccessModule } from 'src/access/access.module';
import { InvitationsController, PeopleController } from 'src/people/people.controller';
import { PeopleRepository } from 'src/people/people.repository';
import { PeopleService } from 'src/people/people.service';

/** People who sign in through OpenID Connect, their roles and invitations. */
@Module({
  imports: [AccessModule],
  controllers: [PeopleController, InvitationsController],
  providers: [PeopleRepository, PeopleService],
  exports: [PeopleService],
})
export class PeopleModule {}
