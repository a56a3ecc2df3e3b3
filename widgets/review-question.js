// One question as the quiz page shows it, for the review page's sessions and practice tests: where
// it comes from, its case, the stem and the options in the learner's order; then, once answered,
// the quiz's own verdict and feedback (quiz-view.js).

import { el } from "./dom.js";
import { fnv1a32, mulberry32, newSeed } from "./order.js";
import { isObj, percent, verdict } from "./quiz-data.js";
import { answerFeedback, badge, trusted } from "./quiz-view.js";

// A fresh random order (review sessions, practice draws): order.js's generator, a new seed.
export function shuffled(items) {
  const out = [...items];
  const next = mulberry32(fnv1a32(newSeed()));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// item: {quiz, payload, c (its case), q, n (number in its quiz), total, shown (display order)}.
export function questionBlock(item, base, onChange = () => {}) {
  const { quiz, payload, c, q, n, total, shown } = item;
  const from = el("p", { class: "rv-from" });
  from.append(
    "From ",
    el("a", { href: String(quiz.href || "#") }, String(quiz.title || quiz.id)),
    `, question ${n} of ${total}: ${String(c.title || "Case")}`,
  );
  const vignette = trusted("div", "qz-vignette", c.vignette_html);
  const box = el("div", { class: "qz-question" });
  const fieldset = el("fieldset", { "aria-describedby": `${base}-stem` });
  fieldset.append(el("legend", {}, q.type === "single" ? "Choose one answer" : "Choose all that apply"));
  const stem = trusted("div", "qz-stem", q.stem_html);
  stem.id = `${base}-stem`;
  fieldset.append(stem);
  const inputs = shown.map((o, j) => {
    const row = el("div", { class: "qz-option", "data-option": o.id });
    const input = el("input", { type: q.type === "single" ? "radio" : "checkbox", name: base, id: `${base}-o${j}` });
    input.addEventListener("change", onChange);
    const label = trusted("label", "qz-option-text", o.text_html, true);
    label.setAttribute("for", input.id);
    label.append(el("span", { class: "qz-mine", "aria-hidden": "true" }, "your choice"));
    row.append(input, label);
    fieldset.append(row);
    return input;
  });
  box.append(fieldset);
  const recs = isObj(payload.recommendations) ? payload.recommendations : {};
  return {
    nodes: [from, vignette, box],
    box,
    // The ticked options in bank order, as the quiz stores and scores them.
    chosen() {
      const ticked = new Set(shown.filter((_, k) => inputs[k].checked).map((o) => o.id));
      return q.options.filter((o) => ticked.has(o.id)).map((o) => o.id);
    },
    tick(ids) {
      shown.forEach((o, k) => (inputs[k].checked = ids.includes(o.id)));
    },
    lock(chosen) {
      shown.forEach((o, k) => {
        inputs[k].disabled = true;
        inputs[k].parentNode.classList.toggle("qz-picked", chosen.includes(o.id));
      });
      box.classList.add("qz-done");
    },
    // The verdict heading (focusable) and the quiz's feedback for this answer.
    feedback(score, chosen) {
      const heading = el("h3", { class: "qz-verdict", tabindex: "-1" });
      heading.append(badge(verdict(score)), ` (${percent(score)} of this question)`);
      return [heading, ...answerFeedback(q, shown, chosen, score, recs)];
    },
  };
}
