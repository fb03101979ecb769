import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { ProblemException } from 'src/common/problem';
import { problem } from 'src/common/problems';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { IdentityProviderConfig } from 'src/config/sign-in-config';

/** How long the service waits for an identity provider (discovery, token, userinfo). */
const PROVIDER_TIMEOUT_SECONDS = 10;

/** A provider that could not be reached: not the caller's fault, so 503 (like the database), outside the 4xx catalogue. */
export class IdentityProviderUnavailableError extends ProblemException {
  constructor(providerName: string) {
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      'identity-provider-unavailable',
      'Service unavailable',
      `The identity provider "${providerName}" could not be reached. Try again later.`,
    );
  }
}

/**
 * The identity providers people sign in with, as configured (OIDC_PROVIDERS, and the development
 * provider in development). Each provider's metadata is discovered at its first use and kept;
 * a failed discovery is tried again at the next sign-in, so a provider that is down at start-up
 * does not keep the others, or the API, from working.
 */
@Injectable()
export class IdentityProviders {
  private readonly logger = new Logger(IdentityProviders.name);
  private readonly discovered = new Map<string, Promise<oidc.Configuration>>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  list(): IdentityProviderConfig[] {
    return this.config.signIn.providers;
  }

  /** A configured provider, or the same 404 for any other id. */
  require(id: string): IdentityProviderConfig {
    const provider = this.config.signIn.providers.find((candidate) => candidate.id === id);
    if (!provider) throw problem('not-found', `No identity provider "${id}" is configured.`);
    return provider;
  }

  /** Where the provider sends the browser back to: fixed per provider, registered with it. */
  redirectUri(provider: IdentityProviderConfig): string {
    return `${this.config.signIn.publicUrl}/v1/session/callback/${provider.id}`;
  }

  /** The provider's discovered metadata and this service's client registration with it. */
  async configuration(provider: IdentityProviderConfig): Promise<oidc.Configuration> {
    let configuration = this.discovered.get(provider.id);
    if (!configuration) {
      // Plain http only where the configuration allowed it: a provider on this machine outside production.
      const insecure = new URL(provider.issuer).protocol === 'http:';
      configuration = oidc.discovery(new URL(provider.issuer), provider.clientId, { redirect_uris: [this.redirectUri(provider)] }, oidc.ClientSecretPost(provider.clientSecret), {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
      });
      this.discovered.set(provider.id, configuration);
      configuration.catch((error: unknown) => {
        this.discovered.delete(provider.id);
        this.logger.warn({ provider: provider.id, err: error }, 'identity provider discovery failed');
      });
    }
    try {
      return await configuration;
    } catch {
      throw new IdentityProviderUnavailableError(provider.name);
    }
  }
}
