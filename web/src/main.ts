// The shell: header with navigation, language switch, print and sign-out; a hash router that
// draws one page at a time into <main>. The service serves these files at /app/.

import { api } from './api';
import { currentSession, onSessionChange, PersonRole, restorePersonSession, Session, signOut, SignOutReason, switchRole } from './auth';
import { disposeCharts } from './charts';
import { h } from './dom';
import { Language, language, LANGUAGES, setLanguage, t } from './i18n';
import { ApiError, failureText } from './errors';
import { Page, PageContext } from './page';
import { agendaPage, conversationPage } from './page-agenda';
import { alertDetailPage, alertsPage } from './page-alerts';
import { definitionPage } from './page-definition';
import { alumniPage, intakePage } from './page-insights';
import { interventionsPage } from './page-interventions';
import { reportPage } from './page-report';
import { routesPage } from './page-routes';
import { signInPage } from './page-signin';
import { surveysPage } from './page-surveys';
import type { Region } from './types';

const ROUTES: Record<string, Page> = {
  report: reportPage,
  alumni: alumniPage,
  intake: intakePage,
  routes: routesPage,
  surveys: surveysPage,
  alerts: (context) => (context.params[0] ? alertDetailPage(context) : alertsPage(context)),
  definitions: definitionPage,
  interventions: interventionsPage,
  agenda: agendaPage,
  conversations: (context) => conversationPage(context),
};

let regionsPromise: { token: string; regions: Promise<Region[]> } | null = null;
let signOutReason: SignOutReason | null = null;
let renderSequence = 0;
/** Focus moves to a page's heading on navigation, not on the first load (the skip link comes first). */
let firstRender = true;

function parseHash(): { page: string; params: string[]; query: URLSearchParams } {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = hash.split('?');
  const [page = '', ...params] = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { page, params, query: new URLSearchParams(search) };
}

/**
 * The page a principal lands on, the one with its figures: a coordinator the region report; an
 * institution its intake when the API has intake figures for it (it receives students), else its
 * alumni (it supplies them); a client that reads only alerts, the alerts.
 */
async function landingOf(session: Session): Promise<string | null> {
  if (!session.scopes.includes('insights:read')) return '#/alerts';
  if (session.kind === 'region') return '#/report';
  if (session.kind !== 'institution') return '#/alerts';
  try {
    // The region the pages show first (see chosenRegion): named only when there are several.
    const regions = await regionsOf(session);
    const intake = await api.intake({ region: regions.length > 1 ? regions[0]?.code : undefined });
    return intake.cohorts.length > 0 ? '#/intake' : '#/alumni';
  } catch (error) {
    // A refused token has ended the session and sign-in takes over; any other failure is
    // explained by the alumni page, which meets it again.
    return error instanceof ApiError && error.status === 401 ? null : '#/alumni';
  }
}

/** The regions the caller may see, asked once per token. */
function regionsOf(session: Session): Promise<Region[]> {
  if (!regionsPromise || regionsPromise.token !== session.key) {
    const regions = api.regions().then((result) => result.items);
    regions.catch(() => (regionsPromise = null));
    regionsPromise = { token: session.key, regions };
  }
  return regionsPromise.regions;
}

function navigation(session: Session, active: string): HTMLElement {
  const items: Array<{ page: string; label: string }> = [];
  if (session.kind === 'region' && session.scopes.includes('insights:read')) items.push({ page: 'report', label: t('nav.report') });
  if (session.kind === 'institution' && session.scopes.includes('insights:read')) items.push({ page: 'alumni', label: t('nav.alumni') }, { page: 'intake', label: t('nav.intake') });
  if ((session.kind === 'region' || session.kind === 'institution') && session.scopes.includes('insights:read')) items.push({ page: 'routes', label: t('nav.routes') });
  if (session.kind === 'institution' && session.scopes.includes('insights:read')) items.push({ page: 'surveys', label: t('nav.surveys') });
  if (session.scopes.includes('alerts:read')) items.push({ page: 'alerts', label: t('nav.alerts') });
  if ((session.kind === 'region' || session.kind === 'institution') && session.scopes.includes('alerts:read')) items.push({ page: 'agenda', label: t('nav.agenda') });
  if ((session.kind === 'region' || session.kind === 'institution') && session.scopes.includes('insights:read')) items.push({ page: 'interventions', label: t('nav.interventions') });
  return h(
    'nav',
    { 'aria-label': t('nav.label'), class: 'main-nav' },
    h('ul', {}, ...items.map((item) => h('li', {}, h('a', { href: `#/${item.page}`, 'aria-current': item.page === active ? 'page' : null }, item.label)))),
  );
}

function languageSwitch(): HTMLElement {
  return h(
    'div',
    { class: 'language', role: 'group', 'aria-label': t('app.language') },
    ...LANGUAGES.map((code: Language) =>
      h(
        'button',
        {
          type: 'button',
          lang: code,
          'aria-pressed': code === language() ? 'true' : 'false',
          'data-language': code,
          onclick: () => {
            setLanguage(code);
            void render();
          },
        },
        code === 'nl' ? 'Nederlands' : 'English',
      ),
    ),
  );
}

function header(session: Session | null, active: string): HTMLElement {
  return h(
    'header',
    { class: 'app-header' },
    h('div', { class: 'brand' }, h('span', { class: 'brand-name' }, t('app.title')), h('span', { class: 'brand-sub' }, t('app.subtitle'))),
    session ? navigation(session, active) : null,
    h(
      'div',
      { class: 'header-tools' },
      languageSwitch(),
      session ? h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, t('app.print')) : null,
      session ? h('span', { class: 'who' }, t('nav.signedInAs', { client: session.clientId })) : null,
      session?.roles && session.roles.length > 1 ? roleSwitch(session) : null,
      session ? h('button', { type: 'button', class: 'secondary', 'data-action': 'sign-out', onclick: () => signOut('signed-out') }, t('nav.signOut')) : null,
    ),
  );
}

/** What a role is called in the header: "Lezer · Rijnstad College (21AA)". */
function roleLabel(role: PersonRole): string {
  const where = role.role === 'coordinator' ? `${role.regionName ?? role.regionCode ?? ''}` : `${role.institutionName ?? ''} (${role.institutionBrin ?? ''})`;
  return `${t(`role.${role.role}`)} · ${where}`;
}

/** A person with several roles chooses the one to act in; the pages redraw with its figures. */
function roleSwitch(session: Session): HTMLElement {
  const id = 'role-switch';
  const select = h(
    'select',
    {
      id,
      'data-action': 'switch-role',
      onchange: (event: Event) => {
        const roleId = (event.target as HTMLSelectElement).value;
        switchRole(roleId).catch((error: unknown) => {
          const root = document.getElementById('main');
          root?.prepend(h('p', { role: 'alert', class: 'status error' }, failureText(error)));
        });
      },
    },
    ...(session.roles ?? []).map((role) => h('option', { value: role.id, selected: role.id === session.role?.id }, roleLabel(role))),
  );
  return h('div', { class: 'role-switch' }, h('label', { for: id }, t('nav.role')), select);
}

function context(session: Session, params: string[], query: URLSearchParams, page: string): PageContext {
  return {
    session,
    params,
    query,
    setQuery(changes) {
      const next = new URLSearchParams(query);
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined || value === '') next.delete(key);
        else next.set(key, String(value));
      }
      const search = next.toString();
      location.hash = `#/${[page, ...params.map(encodeURIComponent)].join('/')}${search ? `?${search}` : ''}`;
    },
    regions: () => regionsOf(session),
  };
}

async function render(): Promise<void> {
  const sequence = ++renderSequence;
  const root = document.getElementById('app')!;
  document.documentElement.lang = language();
  disposeCharts();
  const session = currentSession();
  const { page, params, query } = parseHash();

  if (!session) {
    if (page !== 'signin') {
      sessionStorage.setItem('doorstroom.after-signin', location.hash);
      history.replaceState(null, '', '#/signin');
    }
    root.replaceChildren(header(null, 'signin'), h('main', { id: 'main', tabindex: -1 }, signInPage(signOutReason, query.get('error'))));
    document.title = `${t('signin.title')} · ${t('app.title')}`;
    signOutReason = null;
    focusHeading(root);
    return;
  }
  if (!session.scopes.includes('insights:read') && !session.scopes.includes('alerts:read')) {
    root.replaceChildren(header(session, ''), h('main', { id: 'main', tabindex: -1 }, h('h1', { tabindex: -1, class: 'page-title' }, t('app.title')), h('p', { role: 'alert' }, t('signin.noViews'))));
    return;
  }
  const renderPage = ROUTES[page];
  const main = h('main', { id: 'main', tabindex: -1, 'aria-busy': 'true' }, h('p', { class: 'loading', role: 'status' }, t('app.loading')));
  root.replaceChildren(skipLink(), header(session, page), main, h('footer', { class: 'print-only' }, t('app.printedAt', { date: new Date().toLocaleString(language() === 'nl' ? 'nl-NL' : 'en-GB') })));
  if (!renderPage) {
    const landing = await landingOf(session);
    if (landing && sequence === renderSequence) location.replace(landing);
    return;
  }
  let content: HTMLElement;
  try {
    content = await renderPage(context(session, params, query, page));
  } catch (error) {
    content = h('div', { class: 'page-error' }, h('h1', { tabindex: -1, class: 'page-title' }, t('app.error')), h('p', { role: 'alert' }, failureText(error)), h('button', { type: 'button', onclick: () => void render() }, t('app.retry')));
  }
  if (sequence !== renderSequence) return; // a later navigation won
  main.replaceChildren(content);
  main.removeAttribute('aria-busy');
  main.dataset.page = page;
  main.dataset.ready = 'true';
  const title = content.querySelector('h1')?.textContent ?? t('app.title');
  document.title = `${title} · ${t('app.title')}`;
  focusHeading(root);
}

function skipLink(): HTMLElement {
  return h(
    'a',
    {
      href: '#main',
      class: 'skip-link',
      onclick: (event: Event) => {
        event.preventDefault();
        document.getElementById('main')?.focus();
      },
    },
    t('app.skip'),
  );
}

/** After a page change, move focus to its heading so screen readers announce the new page. */
function focusHeading(root: HTMLElement): void {
  if (firstRender) {
    firstRender = false;
    return;
  }
  const heading = root.querySelector<HTMLElement>('main h1');
  heading?.focus({ preventScroll: true });
}

onSessionChange((session, reason) => {
  regionsPromise = null;
  if (session) {
    const back = sessionStorage.getItem('doorstroom.after-signin');
    sessionStorage.removeItem('doorstroom.after-signin');
    // After switching role, the page of the previous role may not fit: start at the landing page.
    go(back && !back.startsWith('#/signin') && back !== '#' && back !== '' ? back : '#/');
  } else {
    signOutReason = reason;
    go('#/signin');
  }
});

/** Navigates to a hash, and redraws even when the address does not change. */
function go(hash: string): void {
  if (location.hash === hash) void render();
  else location.hash = hash;
}

window.addEventListener('hashchange', () => void render());
setLanguage(language());
// A person coming back from their identity provider (or reloading) has a session cookie: ask first.
void restorePersonSession().then(() => {
  // Coming back from the provider, the page to return to was kept before leaving.
  if (currentSession() && (location.hash === '' || location.hash === '#/' || location.hash.startsWith('#/signin'))) {
    const back = sessionStorage.getItem('doorstroom.after-signin');
    sessionStorage.removeItem('doorstroom.after-signin');
    if (back && !back.startsWith('#/signin') && back !== '#' && back !== '#/') history.replaceState(null, '', back);
  }
  return render();
});
