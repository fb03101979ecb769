import type { Response } from 'express';

/**
 * The JSON text of response bodies that are served many times unchanged (a kept view), made once.
 * Only a frozen object is kept: nothing can change it after its text was made, so the text is
 * exactly what `JSON.stringify` would give on every later response.
 */
const texts = new WeakMap<object, string>();

/** The JSON text of a deep-frozen body, made on the first call and kept as long as the body lives. */
export function keepJsonText(body: unknown): string {
  const isObject = typeof body === 'object' && body !== null;
  const kept = isObject ? texts.get(body) : undefined;
  if (kept !== undefined) return kept;
  const text = JSON.stringify(body) ?? '';
  if (isObject && Object.isFrozen(body)) texts.set(body, text);
  return text;
}

type JsonResponse = Pick<Response, 'get' | 'set' | 'send' | 'app'>;

/**
 * Makes `res.json` of an Express application send the kept text of a kept body instead of
 * serialising it again; every other body, and every application with its own JSON settings,
 * is serialised by Express as before. Content type, ETag and conditional requests are left to
 * `res.send`, as `res.json` leaves them.
 */
export function sendKeptJson(responsePrototype: { json: (this: JsonResponse, body: unknown) => unknown }): void {
  const serialise = responsePrototype.json;
  responsePrototype.json = function json(this: JsonResponse, body: unknown) {
    const text = typeof body === 'object' && body !== null ? texts.get(body) : undefined;
    const app = this.app;
    if (text === undefined || app.get('json replacer') || app.get('json spaces') || app.get('json escape')) return serialise.call(this, body);
    if (!this.get('Content-Type')) this.set('Content-Type', 'application/json');
    return this.send(text);
  };
}
