// The public API, as this front end uses it: every call carries the bearer token of an API
// client's session, or (a person) the session cookie, with the CSRF token on state-changing calls.
// A 401 ends the session (expired, signed out elsewhere, revoked) and sends the user to sign in.

import { authHeaders, signOut } from './auth';
import { ApiError, readProblem, send } from './errors';
import type { Intervention, InterventionDetail } from './types-interventions';
import type { Agenda, ActionStatus, Conversation, ConversationDetail, AlertDetail, AlertState, DefinitionSet, TriageState, Flows, InsightsView, Page, Alert, Questionnaire, Region, RegionReport, Reasons, Routes, SurveyFigures } from './types';

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
  reasons: (query: { region?: string; perspective?: 'alumni' | 'intake'; cohortFrom?: number; cohortTo?: number }) => request<Reasons>('GET', '/v1/insights/reasons', { query }),
  questionnaires: () => request<{ items: Questionnaire[] }>('GET', '/v1/surveys/questionnaires'),
  surveyFigures: (query: { region?: string; surveyYear?: number }) => request<SurveyFigures>('GET', '/v1/surveys/figures', { query }),
  alumni: (query: { region?: string; breakdown?: string; cohortFrom?: number; cohortTo?: number }) => request<InsightsView>('GET', '/v1/insights/alumni', { query }),
  intake: (query: { region?: string; breakdown?: string; cohortFrom?: number; cohortTo?: number }) => request<InsightsView>('GET', '/v1/insights/intake', { query }),
  flows: (query: { region?: string; cohort?: number; perspective?: 'alumni' | 'intake'; via?: 'receiver' | 'sector' }) => request<Flows>('GET', '/v1/insights/flows', { query }),
  definition: (id: string) => request<DefinitionSet>('GET', `/v1/definitions/${encodeURIComponent(id)}`),
  alerts: (query: AlertQuery & { sort?: string; limit?: number; offset?: number }) => request<Page<Alert>>('GET', '/v1/alerts', { query }),
  alert: (id: string) => request<AlertDetail>('GET', `/v1/alerts/${encodeURIComponent(id)}`),
  interventions: (query: { region?: string }) => request<{ items: Intervention[]; total: number }>('GET', '/v1/interventions', { query }),
  intervention: (id: string) => request<InterventionDetail>('GET', `/v1/interventions/${encodeURIComponent(id)}`),
  registerIntervention: (body: Record<string, unknown>) => request<InterventionDetail>('POST', '/v1/interventions', { body }),
  triageAlert: (id: string, state: TriageState, note: string | null) =>
    request<AlertDetail>('PUT', `/v1/alerts/${encodeURIComponent(id)}/triage`, { body: note === null ? { state } : { state, note } }),
  conversations: (query: { alert?: string; region?: string }) => request<Page<Conversation>>('GET', '/v1/conversations', { query }),
  conversation: (id: string) => request<ConversationDetail>('GET', `/v1/conversations/${encodeURIComponent(id)}`),
  startConversation: (body: { alertId: string; note?: string }) => request<ConversationDetail>('POST', '/v1/conversations', { body }),
  addEntry: (id: string, body: { kind: 'note' | 'action'; text: string; owner?: string; dueDate?: string }) =>
    request<ConversationDetail>('POST', `/v1/conversations/${encodeURIComponent(id)}/entries`, { body }),
  setActionStatus: (id: string, actionId: string, status: ActionStatus) =>
    request<ConversationDetail>('PUT', `/v1/conversations/${encodeURIComponent(id)}/actions/${encodeURIComponent(actionId)}/status`, { body: { status } }),
  agenda: (query: { region?: string; dueBy?: string }) => request<Agenda>('GET', '/v1/agenda', { query }),
};

/** A route's CSV (the API answers `Accept: text/csv`), saved as a file: the session's token or cookie travels with the request, not in a link. */
export async function downloadCsv(path: string, query: Query, filename: string): Promise<void> {
  const auth = authHeaders('GET');
  if (!auth) {
    signOut('expired');
    throw new ApiError(401, null);
  }
  const response = await send(url(path, query), { method: 'GET', headers: { Accept: 'text/csv', ...auth }, cache: 'no-store', credentials: 'same-origin' });
  if (!response.ok) {
    const problem = await readProblem(response);
    if (response.status === 401) signOut('expired');
    throw new ApiError(response.status, problem);
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

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
