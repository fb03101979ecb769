// A small element builder: h('p', { class: 'note' }, 'text', child). Text goes in as text nodes,
// never as HTML, so nothing the API returns can inject markup.

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Array<Child | Child[]>): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Array<Child | Child[]>): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

let counter = 0;
/** A document-unique id for aria-describedby, label for= and the like. */
export const uid = (prefix: string): string => `${prefix}-${++counter}`;

/** A labelled <select>; calls onChange with the chosen value. */
export function select<T extends string>(label: string, options: Array<{ value: T; label: string }>, value: T, onChange: (value: T) => void, name?: string): HTMLElement {
  const id = uid('select');
  const control = h('select', { id, name: name ?? id }, ...options.map((option) => h('option', { value: option.value, selected: option.value === value }, option.label)));
  control.addEventListener('change', () => onChange(control.value as T));
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

/** A status line that screen readers announce. */
export function status(text: string, kind: 'info' | 'error' | 'success' = 'info'): HTMLElement {
  return h('p', { class: `status status-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}
