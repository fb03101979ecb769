// The public API, as this front end uses it: every call carries the bearer token of an API
// client's session, or (a person) the session cookie, with the CSRF token on state-changing calls.
// A 401 ends the session (expired, signed out elsewhere, revoked) and sends the user to sign in.

import { authHeaders, signOut } from './auth';
import { ApiError, readProblem, send } from './errors';
import type { AlertDetail, AlertState, DefinitionSet, TriageState, Flows, InsightsView, Page, Alert, Questionnaire, Region, RegionReport, Routes, SurveyFigures } from './types';

type Query = Record<string, string | number | undefined | null>;

function url(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

async function request<T>(method: 'GET' | 'POST' | 'PUT', path: string, options: { query?: Query; body?: unknown } = {}): Promise<T> {
  const auth = authHeaders(method);
  if (!auth) {
    signOut('expired');
    throw new ApiError(401, null);
  }
  const headers: Record<string, string> = { Accept: 'application/json', ...auth };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await send(url(path, options.query), {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    cache: 'no-store',
    credentials: 'same-origin',
  });
  if (!response.ok) {
    const problem = await readProblem(response);
    if (response.status === 401) signOut('expired');
    throw new ApiError(response.status, problem);
  }
  return (await response.json()) as T;
}

export const api = {
  regions: () => request<Page<Region>>('GET', '/v1/regions', { query: { limit: 100 } }),
  regionReport: (code: string, query: { cohort?: number }) => request<RegionReport>('GET', `/v1/regions/${encodeURIComponent(code)}/report`, { query }),
  routes: (query: { region?: string; cohortFrom?: number; cohortTo?: number }) => request<Routes>('GET', '/v1/insights/routes', { query }),
  questionnaires: () => request<{ items: Questionnaire[] }>('GET', '/v1/surveys/questionnaires'),
  surveyFigures: (query: { region?: string; surveyYear?: number }) => request<SurveyFigures>('GET', '/v1/surveys/figures', { query }),
  alumni: (query: { region?: string; breakdown?: string; cohortFrom?: number; cohortTo?: number }) => request<InsightsView>('GET', '/v1/insights/alumni', { query }),
  intake: (query: { region?: string; breakdown?: string; cohortFrom?: number; cohortTo?: number }) => request<InsightsView>('GET', '/v1/insights/intake', { query }),
  flows: (query: { region?: string; cohort?: number; perspective?: 'alumni' | 'intake'; via?: 'receiver' | 'sector' }) => request<Flows>('GET', '/v1/insights/flows', { query }),
  definition: (id: string) => request<DefinitionSet>('GET', `/v1/definitions/${encodeURIComponent(id)}`),
  alerts: (query: AlertQuery & { sort?: string; limit?: number; offset?: number }) => request<Page<Alert>>('GET', '/v1/alerts', { query }),
  alert: (id: string) => request<AlertDetail>('GET', `/v1/alerts/${encodeURIComponent(id)}`),
  triageAlert: (id: string, state: TriageState, note: string | null) =>
    request<AlertDetail>('PUT', `/v1/alerts/${encodeURIComponent(id)}/triage`, { body: note === null ? { state } : { state, note } }),
};

/** Without `type` the inbox (every type but aandacht); `type: 'aandacht'` is the watch list. */
type AlertQuery = {
  state?: AlertState;
  type?: string;
  triage?: TriageState | 'unresolved';
  region?: string;
};

/** Every alert the caller may see that passes the query (pages through the API's hard maximum). */
export async function allAlerts(query: AlertQuery): Promise<Alert[]> {
  const items: Alert[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await api.alerts({ ...query, sort: '-absEffect', limit: 500, offset });
    items.push(...page.items);
    if (items.length >= page.total || page.items.length === 0) return items;
  }
}
