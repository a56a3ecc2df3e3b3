// @ts-check
// DOM helpers shared by the course's widgets. Text always goes in through
// textContent, never as HTML. CourseWidget (widgets/base.py) inlines this file
// where a widget imports it, because a module loaded from a Blob URL (as on the
// static site) cannot resolve relative imports.

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string>} [attrs]
 * @param {string | number | null} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text != null) node.textContent = String(text);
  return node;
}

export const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * @param {string} tag
 * @param {Record<string, string | number>} [attrs]
 * @param {string | number | null} [text]
 * @returns {SVGElement}
 */
export function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text != null) node.textContent = String(text);
  return node;
}

// In JupyterLab and Notebook 7 the notebook takes arrow keys, Space and letters for
// its own commands (and prevents their default), so a slider would not move. Lumino's
// keymap skips key presses whose target, or an ancestor below a matching selector,
// carries data-lm-suppress-shortcuts: mark the widget and each control as it gains
// focus. Stopping keydown at the widget keeps keys from the notebook's own handler.
/** @param {HTMLElement} root */
export function keepKeysInWidget(root) {
  // A focus event's target is an element; any other target is left alone.
  /** @param {EventTarget | null} node */
  const mark = (node) => /** @type {Partial<Element>} */ (node).setAttribute?.("data-lm-suppress-shortcuts", "true");
  mark(root);
  root.addEventListener("focusin", (event) => mark(event.target));
  root.addEventListener("keydown", (event) => event.stopPropagation());
}
