import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from '@nestjs/common';
import { AppConfig } from 'src/config/app-config';
import { DEVELOPMENT_INSTITUTION_CLAIM, DEVELOPMENT_PROVIDER_ID, DEVELOPMENT_PROVIDER_PATH } from 'src/config/sign-in-config';
import type { RoleName } from 'src/access/roles';
import { createDevelopmentProvider } from 'src/session/development-provider';

/** A person of the development provider (the demo people, given by the caller: the session module knows no demo data). */
export interface DevelopmentPerson {
  subject: string;
  displayName: string;
  /** The BRIN asserted as the person's institution. */
  brin?: string;
  roles: ReadonlyArray<{ role: RoleName; regionCode?: string; institutionBrin?: string }>;
}

/**
 * Mounts the development identity provider at /dev-oidc when the configuration runs it (in
 * development by default; never in production: the configuration refuses it there). Mounted
 * before the body parsers, so the provider reads its own requests.
 */
export async function mountDevelopmentProvider(app: NestExpressApplication, config: AppConfig, people: readonly DevelopmentPerson[]): Promise<boolean> {
  const provider = config.signIn.providers.find((candidate) => candidate.id === DEVELOPMENT_PROVIDER_ID && candidate.development === true);
  if (!provider || !config.signIn.developmentProvider || config.env === 'production') return false;
  try {
    const handler = await createDevelopmentProvider({
      issuer: provider.issuer,
      mountPath: DEVELOPMENT_PROVIDER_PATH,
      title: 'Doorstroom ontwikkel-IdP',
      clients: [{ clientId: provider.clientId, clientSecret: provider.clientSecret, redirectUris: [`${config.signIn.publicUrl}/v1/session/callback/${provider.id}`] }],
      accounts: people.map((person) => ({
        id: person.subject,
        label: person.displayName,
        description: person.roles.length === 0 ? 'Geen rol: aanmelden wordt geweigerd.' : person.roles.map((role) => `${role.role} ${role.regionCode ?? role.institutionBrin ?? ''}`).join(', '),
        claims: Object.fromEntries(person.brin ? [[DEVELOPMENT_INSTITUTION_CLAIM, person.brin]] : []),
      })),
      scopes: { school: [DEVELOPMENT_INSTITUTION_CLAIM] },
    });
    app.use(DEVELOPMENT_PROVIDER_PATH, handler);
    return true;
  } catch (error) {
    // An installation without development dependencies has no oidc-provider: sign-in with it is then unavailable.
    new Logger('DevelopmentProvider').warn(`The development identity provider did not start: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}
