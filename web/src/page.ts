// What every page gets from the shell, and the pieces pages share.

import type { Session } from './auth';
import { h } from './dom';
import type { Region } from './types';

export interface PageContext {
  session: Session;
  /** Path segments after the page name: #/alerts/<id> → ['<id>']. */
  params: string[];
  query: URLSearchParams;
  /** Changes the filters in the address (so reload, back and print keep them) and redraws. */
  setQuery(changes: Record<string, string | number | undefined>): void;
  /** The regions the caller may see (a coordinator: its own). */
  regions(): Promise<Region[]>;
}

export type Page = (context: PageContext) => Promise<HTMLElement>;

export function pageHeading(text: string): HTMLElement {
  return h('h1', { tabindex: -1, class: 'page-title' }, text);
}

export function section(title: string, ...content: Array<HTMLElement | null>): HTMLElement {
  return h('section', { class: 'report-section' }, h('h2', {}, title), ...content);
}

/** A number from the address, if it is one of the allowed values. */
export function numberParam(query: URLSearchParams, name: string, allowed: number[]): number | undefined {
  const value = Number(query.get(name));
  return allowed.includes(value) ? value : undefined;
}

/** The region to show: ?region=, else the only (or first) one the caller may see. */
export async function chosenRegion(context: PageContext): Promise<{ region: Region | undefined; all: Region[] }> {
  const all = await context.regions();
  const wanted = context.query.get('region');
  return { region: all.find((region) => region.code === wanted) ?? all[0], all };
}
