// Sign-in: client credentials or a pasted token. Only this page and auth.ts know how a token is
// obtained; an OpenID Connect login would add a button here that starts its flow in auth.ts.

import { SignInError, SignOutReason, signInWithClientCredentials, signInWithToken } from './auth';
import { h, status, uid } from './dom';
import { ApiError, failureText } from './errors';
import { t } from './i18n';

export function signInPage(reason: SignOutReason | null): HTMLElement {
  const message = h('div', { class: 'signin-message', 'aria-live': 'polite' });
  if (reason === 'expired') message.append(status(t('signin.expired'), 'info'));
  if (reason === 'signed-out') message.append(status(t('signin.signedOut'), 'info'));
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

  return h(
    'div',
    { class: 'signin' },
    h('h1', { tabindex: -1, class: 'page-title' }, t('signin.title')),
    h('p', {}, t('signin.intro')),
    message,
    h('div', { class: 'signin-forms' }, clientForm, tokenForm),
    h('p', { class: 'hint' }, t('signin.storage')),
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
