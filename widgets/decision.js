// Decision explorer: shows, for HAIP, DEBIRI-TACE and TARE, what the course's decision rules
// (quizzes/decide.py) say for the chosen situation. Nothing is decided here: the whole table
// was computed by the engine at build time; this module only looks results up.
// comboKey() and lookup() mirror combo_key() and expand() in widgets/decision.py.

import { el, keepKeysInWidget } from "./dom.js";

export function comboKey(order, { setting, disease, goal, contraindications }) {
  let bits = 0;
  for (const c of new Set(contraindications || [])) bits |= 1 << order.contraindications.indexOf(c);
  let index = order.settings.indexOf(setting) * order.diseases.length + order.diseases.indexOf(disease);
  index = index * order.goals.length + order.goals.indexOf(goal);
  return index * (1 << order.contraindications.length) + bits;
}

export function lookup(table, input) {
  const cell = table.rows[comboKey(table.order, input)];
  if (cell == null) return null;
  const out = {};
  table.modalities.forEach((m, i) => {
    const [s, e, b] = table.cells[cell][i];
    out[m] = {
      stance: table.stances[s],
      because: [...table.becauses[b]],
      explanation: table.explanations[e].map((i) => table.sentences[i]).join(" "),
    };
  });
  return out;
}

const SYMBOL = { option: "✓", caution: "!", "not-supported": "–", contraindicated: "✕" };
let counter = 0;

function radioGroup(id, legend, name, order, labels, current, onChange) {
  const set = el("fieldset", { class: "de-group" });
  set.append(el("legend", {}, legend));
  const inputs = {};
  for (const value of order) {
    const input = el("input", { type: "radio", name: `${id}-${name}`, id: `${id}-${name}-${value}`, value });
    input.checked = value === current;
    input.addEventListener("change", () => input.checked && onChange(value));
    const wrap = el("span", { class: "de-choice" });
    wrap.append(input, el("label", { for: input.id }, labels[value] || value));
    set.append(wrap);
    inputs[value] = input;
  }
  return { set, inputs };
}

function render({ model, el: root }) {
  keepKeysInWidget(root);
  const id = `de${++counter}`;
  const table = model.get("table") || { rows: [], cells: [], modalities: [] };
  const L = model.get("labels") || {};
  const order = L.order || {};
  const widget = el("div", { class: "de-widget cw-card" });
  widget.append(
    el(
      "p",
      { class: "de-disclaimer" },
      "Illustrative teaching tool, not for clinical use: it shows how this course's decision rules " +
        "read the sources, not advice for any patient.",
    ),
  );

  const controls = el("div", { class: "de-controls" });
  const groups = {};
  for (const [trait, legend, key] of [
    ["setting", "Setting", "settings"],
    ["disease", "Disease extent", "diseases"],
    ["goal", "The patient's main goal", "goals"],
  ]) {
    groups[trait] = radioGroup(id, legend, trait, order[key] || [], L[key] || {}, model.get(trait), (value) => {
      model.set(trait, value);
      model.save_changes();
    });
    controls.append(groups[trait].set);
  }
  const contraSet = el("fieldset", { class: "de-group" });
  contraSet.append(el("legend", {}, "Contraindications present"));
  const contraInputs = {};
  for (const value of order.contraindications || []) {
    const input = el("input", { type: "checkbox", id: `${id}-contra-${value}`, value });
    input.addEventListener("change", () => {
      const chosen = (order.contraindications || []).filter((c) => contraInputs[c].checked);
      model.set("contraindications", chosen);
      model.save_changes();
    });
    const wrap = el("span", { class: "de-choice" });
    wrap.append(input, el("label", { for: input.id }, (L.contraindications || {})[value] || value));
    contraSet.append(wrap);
    contraInputs[value] = input;
  }
  controls.append(contraSet);
  widget.append(controls);

  const heading = el("h3", { class: "de-heading", id: `${id}-results` }, "What the course's sources support");
  const results = el("div", { class: "de-results", role: "group", "aria-labelledby": heading.id });
  const live = el("p", { class: "de-live", "aria-live": "polite", role: "status" });
  widget.append(heading, results, live);
  root.append(widget);

  function current() {
    return {
      setting: model.get("setting"),
      disease: model.get("disease"),
      goal: model.get("goal"),
      contraindications: model.get("contraindications") || [],
    };
  }

  function card(modality, entry) {
    const box = el("section", { class: `de-card de-${entry.stance}`, "data-modality": modality });
    const name = (L.modalities || {})[modality] || modality;
    box.append(el("h4", { class: "de-name" }, name));
    const stance = el("p", { class: "de-stance" });
    stance.append(
      el("span", { class: "de-symbol", "aria-hidden": "true" }, SYMBOL[entry.stance] || "?"),
      el("span", { class: "de-stance-text" }, (L.stances || {})[entry.stance] || entry.stance),
    );
    box.append(stance, el("p", { class: "de-explanation" }, entry.explanation));
    box.append(el("p", { class: "de-because-title" }, "Rests on:"));
    const list = el("ul", { class: "de-because" });
    for (const rid of entry.because) {
      const rec = (L.records || {})[rid] || {};
      // The statement by its label, linked to its entry in the list below the explorer; the
      // registry id stays in data-record, out of the reader's way.
      const li = el("li", { "data-record": rid });
      li.append(el("a", { href: `#rec-${rid}` }, rec.label || "a statement of the course's sources"));
      li.append(
        el(
          "span",
          { class: "de-source" },
          rec.review ? " (the review)" : ` (${rec.source || "other source"}; not the review)`,
        ),
      );
      list.append(li);
    }
    box.append(list);
    return box;
  }

  function update() {
    const input = current();
    for (const trait of ["setting", "disease", "goal"]) {
      for (const [value, radio] of Object.entries(groups[trait].inputs)) radio.checked = value === input[trait];
    }
    for (const [value, box] of Object.entries(contraInputs)) box.checked = input.contraindications.includes(value);
    const result = lookup(table, input);
    results.replaceChildren();
    if (!result) {
      results.append(el("p", {}, "No entry in the decision table for this combination."));
      live.textContent = "No entry in the decision table for this combination.";
      return;
    }
    const spoken = [];
    for (const m of table.modalities) {
      results.append(card(m, result[m]));
      spoken.push(`${(L.modalities || {})[m] || m}: ${(L.stances || {})[result[m].stance] || result[m].stance}`);
    }
    live.textContent = `${spoken.join("; ")}.`;
  }

  const names = "change:setting change:disease change:goal change:contraindications";
  model.on(names, update);
  update();
  return () => model.off(names, update);
}

export default { render };
