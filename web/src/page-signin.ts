// Sign-in: people with their school account (a button per identity provider, the flow runs on
// the server); API clients with client credentials or a pasted token. Only this page and auth.ts
// know how a session is obtained.

import { identityProviders, SignInError, SignOutReason, signInWithClientCredentials, signInWithToken } from './auth';
import { h, status, uid } from './dom';
import { ApiError, failureText } from './errors';
import { t } from './i18n';

/** Why the service refused a sign-in, as it names it in the address (#/signin?error=…). */
const REFUSALS = ['no-role', 'invitation-invalid', 'state', 'provider-error', 'response', 'unavailable'] as const;

export function signInPage(reason: SignOutReason | null, refusal: string | null = null): HTMLElement {
  const message = h('div', { class: 'signin-message', 'aria-live': 'polite' });
  if (reason === 'expired') message.append(status(t('signin.expired'), 'info'));
  if (reason === 'signed-out') message.append(status(t('signin.signedOut'), 'info'));
  if (refusal) message.append(status(t(`signin.refused.${(REFUSALS as readonly string[]).includes(refusal) ? (refusal as (typeof REFUSALS)[number]) : 'response'}`), 'error'));
  const fail = (error: unknown): void => {
    message.replaceChildren(status(t('signin.failed', { detail: signInFailure(error) }), 'error'));
  };

  const clientIdField = uid('client-id');
  const secretField = uid('secret');
  const clientForm = h(
    'form',
    { class: 'signin-form', 'data-form': 'client-credentials' },
    h('h2', {}, t('signin.clientTab')),
    h('div', { class: 'field' }, h('label', { for: clientIdField }, t('signin.clientId')), h('input', { id: clientIdField, name: 'client_id', autocomplete: 'username', required: true, spellcheck: 'false' })),
    h('div', { class: 'field' }, h('label', { for: secretField }, t('signin.secret')), h('input', { id: secretField, name: 'client_secret', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { type: 'submit' }, t('signin.submit')),
  );
  clientForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(clientForm);
    signInWithClientCredentials(field(data, 'client_id').trim(), field(data, 'client_secret')).catch(fail);
  });

  const tokenField = uid('token');
  const tokenForm = h(
    'form',
    { class: 'signin-form', 'data-form': 'token' },
    h('h2', {}, t('signin.tokenTab')),
    h('div', { class: 'field' }, h('label', { for: tokenField }, t('signin.token')), h('textarea', { id: tokenField, name: 'token', rows: 4, required: true, spellcheck: 'false' })),
    h('button', { type: 'submit' }, t('signin.submit')),
  );
  tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    try {
      signInWithToken(field(new FormData(tokenForm), 'token'));
    } catch (error) {
      fail(error);
    }
  });

  // The invitation a person follows (/app/#/signin?invitation=…) travels with the sign-in.
  const invitation = new URLSearchParams(location.hash.split('?')[1] ?? '').get('invitation');
  const providerList = h('ul', { class: 'provider-list', 'aria-busy': 'true' });
  const people = h('section', { class: 'signin-people', 'aria-labelledby': 'signin-people' }, h('h2', { id: 'signin-people' }, t('signin.peopleTitle')), h('p', {}, t('signin.peopleIntro')), providerList);
  // API clients sign in below, folded away when people can sign in.
  const clients = h(
    'details',
    { class: 'signin-clients' },
    h('summary', {}, t('signin.clientsTitle')),
    h('p', {}, t('signin.intro')),
    h('div', { class: 'signin-forms' }, clientForm, tokenForm),
    h('p', { class: 'hint' }, t('signin.storage')),
  );
  void identityProviders().then((providers) => {
    providerList.removeAttribute('aria-busy');
    if (providers.length === 0) {
      providerList.replaceWith(h('p', { class: 'hint' }, t('signin.noProviders')));
      clients.open = true;
      return;
    }
    providerList.replaceChildren(
      ...providers.map((provider) => {
        const href = invitation && /^[A-Za-z0-9_-]{1,64}$/.test(invitation) ? `${provider.signInUrl}?invitation=${encodeURIComponent(invitation)}` : provider.signInUrl;
        return h(
          'li',
          {},
          h('a', { class: 'button provider', href, 'data-provider': provider.id }, t('signin.with', { provider: provider.name })),
          provider.development ? h('span', { class: 'hint' }, ` ${t('signin.development')}`) : null,
        );
      }),
    );
  });

  return h(
    'div',
    { class: 'signin' },
    h('h1', { tabindex: -1, class: 'page-title' }, t('signin.title')),
    message,
    people,
    clients,
  );
}

function field(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value : '';
}

/** Why signing in failed, in the interface language. */
function signInFailure(error: unknown): string {
  if (error instanceof SignInError) return t(error.reason === 'expired' ? 'signin.tokenExpired' : 'signin.badToken');
  if (error instanceof ApiError && error.problemType === 'invalid-client') return t('signin.invalidClient');
  if (error instanceof ApiError && error.status === 400) return t('signin.incomplete');
  return failureText(error);
}
