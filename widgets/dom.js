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
