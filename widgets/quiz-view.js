// How a checked question's feedback looks, shared by the quiz (quiz.js) and the review page
// (review.js) so both show the same thing: verdict badges, each chosen option's explanation with
// the recommendations it follows or contradicts, and the keyed answers when the choice fell short.

import { el } from "./dom.js";
import { FULL, isObj, own, verdict } from "./quiz-data.js";

// The only innerHTML of the quiz widgets: *_html fields, sanitized at build time (markdown-it + nh3).
export function trusted(tag, cls, sanitizedHtml, inline = false) {
  const node = el(tag, { class: cls });
  let html = typeof sanitizedHtml === "string" ? sanitizedHtml : "";
  // A one-paragraph text becomes phrasing content, so it may sit inside a <label>.
  if (inline && /^<p>/.test(html) && html.endsWith("</p>") && html.indexOf("<p>", 1) < 0) html = html.slice(3, -4);
  node.innerHTML = html;
  return node;
}
// Whose statement it is, in words: "Review abstract", or e.g. "Canadian HAIP consensus 2014, not the review".
export function sourceWords(r) {
  const name = typeof r.source_label === "string" && r.source_label ? r.source_label : "another source";
  return r.source === "review" ? name : `${name}, not the review`;
}
const ICON = { Correct: "✓", "Partly correct": "◐", Incorrect: "✗" };
export function badge(word) {
  const span = el("span", { class: `qz-badge qz-${word.split(" ")[0].toLowerCase()}` });
  span.append(el("span", { class: "qz-icon", "aria-hidden": "true" }, ICON[word]), ` ${word}`);
  return span;
}

export function optionVerdict(q, o) {
  if (q.type === "single") return verdict(o.credit);
  return o.credit > 0 ? "Correct" : "Incorrect";
}

export function optionFeedback(q, o, recs) {
  const li = el("li", { class: "qz-choice" });
  const head = el("p", { class: "qz-choice-head" });
  head.append(badge(optionVerdict(q, o)), ": ", trusted("span", "qz-option-text", o.text_html, true));
  li.append(head, trusted("div", "qz-fb", o.feedback_html));
  const links = [
    ...(o.follows || []).map((id) => ["Follows", id]),
    ...(o.contradicts || []).map((id) => ["Contradicts", id]),
  ];
  if (links.length) {
    const ul = el("ul", { class: "qz-recs" });
    for (const [how, id] of links) {
      const r = own(recs, id);
      if (!isObj(r)) continue;
      const item = el("li");
      item.append(
        el("span", { class: `qz-rel qz-${how.toLowerCase()}` }, `${how}:`),
        " ",
        el("strong", {}, String(r.label || id)),
        ` (${sourceWords(r)}). `,
        el("cite", { class: "qz-cite" }, String(r.citation || "")),
      );
      ul.append(item);
    }
    li.append(ul);
  }
  return li;
}

// Everything under the verdict heading: the chosen options' feedback (in the order shown), then
// the answers that earn credit when the score fell short. `shown` is the options in display order.
export function answerFeedback(q, shown, chosen, score, recs) {
  const nodes = [];
  const list = el("ul", { class: "qz-chosen", "aria-label": "Your choices" });
  for (const o of shown.filter((x) => chosen.includes(x.id))) list.append(optionFeedback(q, o, recs));
  nodes.push(list);
  const keyed = shown.filter((o) => (q.type === "single" ? o.credit >= FULL : o.credit > 0));
  if (score < FULL && keyed.length) {
    nodes.push(el("p", { class: "qz-answer" }, keyed.length > 1 ? "Answers that earn credit:" : "Best answer:"));
    const ul = el("ul", { class: "qz-keyed" });
    for (const o of keyed) ul.append(trusted("li", "qz-option-text", o.text_html, true));
    nodes.push(ul);
  }
  return nodes;
}
