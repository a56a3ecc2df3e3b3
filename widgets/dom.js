// DOM helpers shared by the course's widgets. Text always goes in through
// textContent, never as HTML. CourseWidget (widgets/base.py) inlines this file
// where a widget imports it, because a module loaded from a Blob URL (as on the
// static site) cannot resolve relative imports.

export function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text != null) node.textContent = text;
  return node;
}

export const SVG_NS = "http://www.w3.org/2000/svg";

export function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text != null) node.textContent = text;
  return node;
}

// In JupyterLab and Notebook 7 the notebook takes arrow keys, Space and letters for
// its own commands (and prevents their default), so a slider would not move. The
// attribute tells Lumino's keymap to ignore keys pressed inside the widget, and
// stopping keydown at the widget keeps them from the notebook's own handler.
export function keepKeysInWidget(root) {
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.addEventListener("keydown", (event) => event.stopPropagation());
}
