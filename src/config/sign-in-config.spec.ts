import { DEVELOPMENT_PROVIDER_ID, loadSignInConfig } from 'src/config/sign-in-config';

describe('the development identity provider in the configuration', () => {
  const load = (env: Record<string, string>, nodeEnv: 'development' | 'test' | 'production') => {
    const problems: string[] = [];
    const config = loadSignInConfig(env, { env: nodeEnv, port: 3000 }, problems);
    return { config, problems };
  };

  it('runs by default in development, mounted inside the service, and is listed first', () => {
    const { config, problems } = load({}, 'development');
    expect(problems).toEqual([]);
    expect(config.developmentProvider).toBe(true);
    expect(config.providers[0]).toMatchObject({ id: DEVELOPMENT_PROVIDER_ID, issuer: 'http://localhost:3000/dev-oidc', development: true, institutionClaimKind: 'brin' });
  });

  it('can be switched off in development, and is off in tests unless asked for', () => {
    expect(load({ OIDC_DEV_PROVIDER: 'false' }, 'development').config.providers).toEqual([]);
    expect(load({}, 'test').config).toMatchObject({ developmentProvider: false, providers: [] });
    expect(load({ OIDC_DEV_PROVIDER: 'true' }, 'test').config.providers.map((provider) => provider.id)).toEqual([DEVELOPMENT_PROVIDER_ID]);
  });

  it('never runs in production: not by default, and asking for it is a configuration error', () => {
    const byDefault = load({ PUBLIC_URL: 'https://doorstroom.example.nl' }, 'production');
    expect(byDefault.config.developmentProvider).toBe(false);
    expect(byDefault.config.providers).toEqual([]);
    const asked = load({ PUBLIC_URL: 'https://doorstroom.example.nl', OIDC_DEV_PROVIDER: 'true' }, 'production');
    expect(asked.config.developmentProvider).toBe(false);
    expect(asked.config.providers).toEqual([]);
    expect(asked.problems).toEqual([expect.stringContaining('OIDC_DEV_PROVIDER: the development identity provider never runs when NODE_ENV=production')]);
  });

  it('requires an https PUBLIC_URL in production once people can sign in, and none for a service of machines only', () => {
    const provider = { OIDC_PROVIDERS: 'surfconext', OIDC_SURFCONEXT_ISSUER: 'https://connect.example.nl', OIDC_SURFCONEXT_CLIENT_ID: 'x', OIDC_SURFCONEXT_CLIENT_SECRET: 'y' };
    expect(load(provider, 'production').problems).toEqual([expect.stringContaining('PUBLIC_URL: must be https when NODE_ENV=production')]);
    expect(load({ ...provider, PUBLIC_URL: 'http://doorstroom.example.nl' }, 'production').problems).toEqual([expect.stringContaining('PUBLIC_URL: must be https')]);
    expect(load({ ...provider, PUBLIC_URL: 'https://doorstroom.example.nl' }, 'production').problems).toEqual([]);
    expect(load({}, 'production').problems).toEqual([]);
  });

  it('keeps the id "dev" for itself: a configured provider may not take it', () => {
    const { problems } = load({ OIDC_PROVIDERS: 'dev', OIDC_DEV_ISSUER: 'https://idp.example.nl', OIDC_DEV_CLIENT_ID: 'x', OIDC_DEV_CLIENT_SECRET: 'y' }, 'test');
    expect(problems).toEqual([expect.stringContaining('"dev" is reserved')]);
  });
});
