import type { IncomingMessage, ServerResponse } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';

/**
 * A real OpenID Connect provider (the certified `oidc-provider` library) with a page to pick one
 * of a few demo people: for development (`npm start`) and for the tests, never for production.
 * `oidc-provider` is a development dependency and is loaded only when this provider is started,
 * so a production installation does not even contain it.
 */

export interface DevelopmentAccount {
  /** The subject (`sub`) the provider asserts. */
  id: string;
  /** What the picker shows: "Coördinator Regio Rijnstad". */
  label: string;
  description?: string;
  /** Claims released besides `sub`, e.g. `{ nl_edu_brin: '21AA', name: '…' }`. */
  claims: Record<string, string>;
}

export interface DevelopmentProviderOptions {
  /** The full issuer URL, including the mount path. */
  issuer: string;
  /** The path the handler is mounted at ('' for a server of its own). */
  mountPath: string;
  /** The page title: "Doorstroom ontwikkel-IdP". */
  title: string;
  clients: Array<{ clientId: string; clientSecret: string; redirectUris: string[] }>;
  accounts: DevelopmentAccount[];
  /** Scopes and the claims each releases, besides `openid` (which releases `sub`). */
  scopes: Record<string, string[]>;
}

export type RequestHandler = (request: IncomingMessage & { body?: unknown }, response: ServerResponse) => void;

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** An accessible page in the provider's own plain style; the banner says it is for development only. */
const page = (title: string, body: string): string => `<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.5}
header{background:#7a1f00;color:#fff;padding:.75rem 1.5rem}
header p{margin:0;font-weight:700}
main{max-width:42rem;margin:1.5rem auto;padding:0 1.5rem}
ul{list-style:none;padding:0}
li{margin:.5rem 0}
button{font:inherit;width:100%;text-align:left;padding:.75rem 1rem;border:2px solid #1d4f91;border-radius:4px;background:#fff;color:#1d4f91;cursor:pointer}
button:hover{background:#eef3fa}
button:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
.description{display:block;color:#333;font-size:.9rem}
.cancel{border-color:#555;color:#333}
</style></head>
<body><header><p>Alleen voor ontwikkeling en tests: geen echte identiteitsprovider.</p></header>
<main>${body}</main></body></html>`;

async function readForm(request: IncomingMessage & { body?: unknown }): Promise<URLSearchParams> {
  if (request.body && typeof request.body === 'object') return new URLSearchParams(request.body as Record<string, string>);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 16_384) break;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Starts a development provider; returns the handler to serve it with (a node request listener). */
export async function createDevelopmentProvider(options: DevelopmentProviderOptions): Promise<RequestHandler> {
  const { Provider, interactionPolicy } = await import('oidc-provider');
  // Looked up on every request: a test may add people after the provider has started.
  const accounts = { get: (id: string) => options.accounts.find((account) => account.id === id), has: (id: string) => options.accounts.some((account) => account.id === id) };
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };

  // Ask who signs in every time (no single sign-on at the provider), so that after signing out
  // of the service another demo person can be chosen.
  const policy = interactionPolicy.base();
  const { Check } = interactionPolicy;
  policy
    .get('login')!
    .checks.add(new Check('choose_person', 'the development provider asks every time', (ctx: KoaContextWithOIDC) => (ctx.oidc.result?.login ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT)));

  const configuration: Configuration = {
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    claims: { openid: ['sub'], ...options.scopes },
    scopes: ['openid', ...Object.keys(options.scopes)],
    // Released claims go in the ID token as well as to userinfo.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    features: { devInteractions: { enabled: false } },
    ttl: { Interaction: 600, Grant: 600, Session: 3600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
    interactions: { policy, url: (_ctx, interaction) => `${options.mountPath}/interaction/${interaction.uid}` },
    findAccount: (_ctx, id) => {
      const account = accounts.get(id);
      return account ? { accountId: id, claims: () => ({ sub: id, ...account.claims }) } : undefined;
    },
    // First-party demo clients: consent to what they ask, without a consent page.
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
      await grant.save();
      return grant;
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Fout bij aanmelden', `<h1>Aanmelden is mislukt</h1><p>${escapeHtml(String(out.error))}: ${escapeHtml(String(out.error_description ?? ''))}</p>`);
    },
  };
  const provider = new Provider(options.issuer, configuration);
  const callback = provider.callback();

  const interaction = async (request: IncomingMessage & { body?: unknown }, response: ServerResponse, uid: string, action: string | undefined): Promise<void> => {
    const details = await provider.interactionDetails(request, response);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (request.method === 'POST' && action === 'login') {
      const account = (await readForm(request)).get('account') ?? '';
      if (!accounts.has(account)) {
        response.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8' }).end(page('Onbekend', '<h1>Onbekende persoon</h1>'));
        return;
      }
      await provider.interactionFinished(request, response, { login: { accountId: account } }, { mergeWithLastSubmission: false });
      return;
    }
    if (request.method === 'POST' && action === 'abort') {
      await provider.interactionFinished(request, response, { error: 'access_denied', error_description: 'The person cancelled signing in.' }, { mergeWithLastSubmission: false });
      return;
    }
    const base = `${options.mountPath}/interaction/${escapeHtml(uid)}`;
    const people = options.accounts
      .map(
        (account) =>
          `<li><form method="post" action="${base}/login"><input type="hidden" name="account" value="${escapeHtml(account.id)}">` +
          `<button type="submit" data-account="${escapeHtml(account.id)}">${escapeHtml(account.label)}` +
          `${account.description ? `<span class="description">${escapeHtml(account.description)}</span>` : ''}</button></form></li>`,
      )
      .join('');
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(
      page(
        `Aanmelden · ${options.title}`,
        `<h1>${escapeHtml(options.title)}</h1><p>Kies als wie je je aanmeldt.</p><ul>${people}</ul>` +
          `<form method="post" action="${base}/abort"><button type="submit" class="cancel">Annuleren</button></form>`,
      ),
    );
  };

  return (request, response) => {
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|abort))?\/?(?:\?.*)?$/.exec(request.url ?? '');
    if (!match) {
      void callback(request, response);
      return;
    }
    interaction(request, response, match[1], match[2]).catch((error: unknown) => {
      if (response.headersSent) return;
      response.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(page('Fout bij aanmelden', `<h1>Aanmelden is mislukt</h1><p>${escapeHtml(error instanceof Error ? error.message : 'unknown error')}</p>`));
    });
  };
}
