// What a user reads when something fails. The API's own texts are English and meant for
// developers; the pages say what happened in the interface language instead, chosen from the
// HTTP status and the problem type of the API's answer.

import { t } from './i18n';
import type { Problem } from './types';

/** A failed API call; status 0 means the server was not reached at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem?.detail ?? problem?.title ?? (status === 0 ? 'network error' : `HTTP ${status}`));
  }

  /** The last segment of the problem type: https://doorstroom.nl/problems/invalid-client → invalid-client. */
  get problemType(): string | null {
    return this.problem?.type ? (this.problem.type.split('/').pop() ?? null) : null;
  }
}

/** The problem document of a failed response, if it has one. */
export async function readProblem(response: Response): Promise<Problem | null> {
  try {
    return (await response.json()) as Problem;
  } catch {
    return null;
  }
}

/** fetch, with a failure to reach the server as ApiError(0). */
export async function send(input: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch {
    throw new ApiError(0, null);
  }
}

/** One or two sentences for the user about a failure, in the interface language. */
export function failureText(error: unknown): string {
  if (!(error instanceof ApiError)) return t('error.page');
  const { status } = error;
  if (status === 0) return t('error.network');
  if (error.problemType === 'insufficient-scope') return t('error.insufficientScope');
  if (status === 400 || status === 422) return t('error.invalidRequest');
  if (status === 401) return t('signin.expired');
  if (status === 403) return t('error.forbidden');
  if (status === 404) return t('error.notFound');
  if (status === 409) return t('error.conflict');
  if (status === 413) return t('error.tooLarge');
  if (status === 429) return t('error.rateLimited');
  if (status === 503) return t('error.unavailable');
  if (status >= 500) {
    const requestId = typeof error.problem?.requestId === 'string' ? error.problem.requestId : null;
    return requestId ? `${t('error.server')} ${t('error.requestId', { requestId })}` : t('error.server');
  }
  return t('error.unexpected', { status });
}
