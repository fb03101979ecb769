import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ApiClientRepository } from 'src/auth/api-client.repository';
import { AuthController } from 'src/auth/auth.controller';
import { AuthService } from 'src/auth/auth.service';
import { ClientsController } from 'src/auth/clients.controller';
import { ClientsService } from 'src/auth/clients.service';
import { JwtStrategy } from 'src/auth/jwt.strategy';
import { KnownTokens } from 'src/auth/known-tokens';
import { TOKEN_AUTHENTICATOR } from 'src/access/token-authenticator';
import { InstitutionsModule } from 'src/institutions/institutions.module';

@Module({
  imports: [PassportModule, JwtModule.register({}), InstitutionsModule],
  controllers: [AuthController, ClientsController],
  providers: [ApiClientRepository, AuthService, ClientsService, JwtStrategy, KnownTokens, { provide: TOKEN_AUTHENTICATOR, useExisting: KnownTokens }],
  exports: [AuthService, ClientsService, TOKEN_AUTHENTICATOR],
})
export class AuthModule {}
