import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { Principal } from 'src/access/principal';
import { Scope } from 'src/access/scopes';

export const ACCESS_RULE = 'doorstroom:access-rule';

export type AccessRule = { public: true } | { public: false; scopes: Scope[] };

/**
 * Declares who may call a route and documents it in OpenAPI in the same step. With `scope`,
 * the caller's token must hold that scope (any of them, when a list is given).
 */
export const Authenticated = (options: { scope: Scope | Scope[] }): MethodDecorator & ClassDecorator => {
  const scopes = Array.isArray(options.scope) ? options.scope : [options.scope];
  return applyDecorators(
    SetMetadata(ACCESS_RULE, { public: false, scopes } satisfies AccessRule),
    ApiBearerAuth('bearer'),
    ApiExtension('x-required-scopes', scopes),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired token (problem+json).' }),
    ApiForbiddenResponse({ description: `Token lacks scope ${scopes.join(' or ')} (problem+json).` }),
  );
};

/** A route anyone may call (health, token endpoint). The choice is explicit, never a default. */
export const PublicRoute = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ACCESS_RULE, { public: true } satisfies AccessRule), ApiExtension('x-public', true));

/** The authenticated principal of the request. */
export const Auth = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
  if (!request.principal) throw new Error('Auth() used on a route without @Authenticated');
  return request.principal;
});
