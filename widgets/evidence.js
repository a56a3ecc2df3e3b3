// Evidence explorer: every trial of book/data/trials.yaml, filterable by modality and
// setting, and a forest plot of the hazard ratios that have verified 95% CIs.
// filterTrials and forestRows mirror filter_trials and forest_rows in widgets/evidence.py.

import { el, svg, keepKeysInWidget } from "./dom.js";

export function filterTrials({ trials, modalities, setting }) {
  return trials
    .filter((t) => modalities.includes(t.modality) && (setting === "all" || (t.setting || "none") === setting))
    .map((t) => t.id);
}

export function forestRows({ trials }) {
  const rows = [];
  for (const t of trials) {
    for (const r of t.results || []) {
      if (r.hr != null && r.ci_low != null && r.ci_high != null) {
        rows.push({
          trial: t.id,
          name: t.name,
          endpoint: r.endpoint,
          hr: r.hr,
          ci_low: r.ci_low,
          ci_high: r.ci_high,
          source: r.source,
          citation: r.citation || t.citation,
        });
      }
    }
  }
  return rows;
}

// Log axis wide enough for every interval, never narrower than 0.25 to 2.
export function forestAxis(rows) {
  let lo = 0.25,
    hi = 2;
  for (const r of rows) {
    while (r.ci_low < lo) lo /= 2;
    while (r.ci_high > hi) hi *= 2;
  }
  const ticks = [];
  for (let v = lo; v <= hi * 1.0001; v *= 2) ticks.push(Number(v.toPrecision(6)));
  return { lo, hi, ticks };
}

let counter = 0;

// Readers see "Kemeny et al. 1999", never the bibliography key: `names` maps keys to the
// labels Python made (widgets/sources.py).
function nameOf(names, key) {
  return Object.prototype.hasOwnProperty.call(names, key) ? names[key] : key;
}
const cite = (names, key, tag) => ` [${nameOf(names, key)}${tag ? `, ${tag}` : ""}]`;

function resultLine(r, trial, names) {
  let text = `${r.endpoint}: ${r.text}`;
  if (r.hr != null && !/\bHR\b/.test(r.text)) {
    text += `; HR ${r.hr}`;
    if (r.ci_low != null) text += ` (95% CI ${r.ci_low} to ${r.ci_high})`;
  }
  if (r.p) text += `; P ${/^[<>=]/.test(r.p) ? r.p : `= ${r.p}`}`;
  const li = el("li", {}, text);
  li.append(el("span", { class: "ev-src" }, cite(names, r.citation || trial.citation, r.source)));
  return li;
}

function trialCard(t, labels, names, bibliography) {
  const li = el("li", { class: "ev-trial", "data-trial": t.id });
  const details = el("details");
  const summary = el("summary");
  summary.append(el("span", { class: "ev-name" }, t.name));
  const facts = [labels.modality[t.modality], labels.setting[t.setting || "none"]];
  if (t.n != null) facts.push(`n = ${t.n.toLocaleString("en-GB")}`);
  summary.append(el("span", { class: "ev-facts" }, ` — ${facts.join(" · ")}`));
  details.append(summary);
  const dl = el("dl", { class: "ev-fields" });
  const add = (term, node) => {
    dl.append(el("dt", {}, term));
    const dd = el("dd");
    dd.append(node);
    dl.append(dd);
  };
  const txt = (s) => document.createTextNode(s);
  add("Design", txt(t.design));
  if (t.setting_note) add("Setting note", txt(t.setting_note));
  const arms = el("ol");
  for (const a of t.arms || []) arms.append(el("li", {}, a));
  add("Arms", (t.arms || []).length ? arms : txt("not recorded in our sources"));
  add("Primary endpoint", txt(t.primary_endpoint || "not recorded in our sources"));
  const results = el("ul", { class: "ev-results" });
  for (const r of t.results || []) results.append(resultLine(r, t, names));
  const box = el("div");
  if ((t.results || []).length) box.append(results);
  if (t.results_note) box.append(el("p", { class: "ev-note" }, t.results_note));
  if (!box.childNodes.length) box.append(txt("none recorded"));
  add("Results (arms in the order above)", box);
  add("Limits", txt(t.limits));
  add("What it changed", txt(t.what_it_changed));
  // The full entry is one link away (the pattern is quizzes/cite.py's BIBLIOGRAPHY_URL).
  const href = String(bibliography || "").replace("{key}", encodeURIComponent(t.citation));
  add("Reference", href ? el("a", { href }, nameOf(names, t.citation)) : txt(nameOf(names, t.citation)));
  details.append(dl);
  li.append(details);
  return li;
}

// The plot's shapes are SVG scaled to the column; its words are HTML, so they keep the page's
// text size at every width (SVG text shrank to 8.6 px and the end ticks were cut off).
function drawForest(box, rows, names) {
  box.replaceChildren();
  if (!rows.length) {
    box.append(
      el("p", { class: "ev-note" }, "No hazard ratio with a verified confidence interval among the trials shown."),
    );
    return;
  }
  const { lo, hi, ticks } = forestAxis(rows);
  const W = 200,
    pad = 10;
  const x = (v) => pad + ((Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) * (W - 2 * pad);
  for (const r of rows) {
    const row = el("div", { class: "ev-frow", "data-trial": r.trial });
    const label = el("div", { class: "ev-flabel" });
    label.append(el("span", { class: "ev-name" }, r.name), el("br"), document.createTextNode(r.endpoint));
    const value = el("div", { class: "ev-fvalue" }, `HR ${r.hr} (95% CI ${r.ci_low} to ${r.ci_high})`);
    value.append(el("span", { class: "ev-src" }, cite(names, r.citation, r.source)));
    const plot = svg("svg", { viewBox: `0 0 ${W} 24`, class: "ev-fplot", "aria-hidden": "true", focusable: "false" });
    plot.append(svg("line", { x1: x(1), x2: x(1), y1: 0, y2: 24, class: "ev-one" }));
    plot.append(svg("line", { x1: x(r.ci_low), x2: x(r.ci_high), y1: 12, y2: 12, class: "ev-ci" }));
    plot.append(svg("rect", { x: x(r.hr) - 5, y: 7, width: 10, height: 10, class: "ev-point" }));
    row.append(label, plot, value);
    box.append(row);
  }
  const axisRow = el("div", { class: "ev-frow ev-axisrow" });
  const scale = el("div", { class: "ev-scale", "aria-hidden": "true" });
  const axis = svg("svg", { viewBox: `0 0 ${W} 8`, class: "ev-fplot", focusable: "false" });
  axis.append(svg("line", { x1: pad, x2: W - pad, y1: 2, y2: 2, class: "ev-axis" }));
  const labels = el("div", { class: "ev-ticks" });
  ticks.forEach((t, i) => {
    axis.append(svg("line", { x1: x(t), x2: x(t), y1: 2, y2: 7, class: "ev-axis" }));
    // The end labels stand inside the plot (left- and right-aligned), the others centred.
    const where = i === 0 ? "ev-first" : i === ticks.length - 1 ? "ev-last" : "";
    const tick = el("span", { class: `ev-tick ${where}`.trim() }, String(t));
    tick.style.left = `${(x(t) / W) * 100}%`;
    labels.append(tick);
  });
  scale.append(axis, labels, el("span", { class: "ev-direction" }, "← fewer events with therapy"));
  axisRow.append(
    el("div", { class: "ev-flabel" }, "Hazard ratio (log scale; line at 1 = no difference)"),
    scale,
    el("div"),
  );
  box.append(axisRow);
}

function render({ model, el: root }) {
  keepKeysInWidget(root);
  const id = `ev${++counter}`;
  const trials = model.get("trials") || [];
  const labels = { modality: model.get("modality_labels") || {}, setting: model.get("setting_labels") || {} };
  const names = model.get("source_labels") || {};
  const bibliography = model.get("bibliography_url");
  const widget = el("div", { class: "ev-widget cw-card" });

  const controls = el("div", { class: "ev-controls" });
  const mods = el("fieldset");
  mods.append(el("legend", {}, "Modality"));
  const boxes = {};
  for (const [key, label] of Object.entries(labels.modality)) {
    const input = el("input", { type: "checkbox", id: `${id}-m-${key}`, value: key });
    input.addEventListener("change", () => {
      model.set(
        "modalities",
        Object.keys(boxes).filter((k) => boxes[k].checked),
      );
      model.save_changes();
    });
    boxes[key] = input;
    const choice = el("span", { class: "ev-choice" });
    choice.append(input, el("label", { for: input.id }, label));
    mods.append(choice);
  }
  const settingRow = el("div", { class: "ev-setting" });
  const select = el("select", { id: `${id}-setting` });
  select.append(el("option", { value: "all" }, "All settings"));
  for (const [key, label] of Object.entries(labels.setting)) select.append(el("option", { value: key }, label));
  select.addEventListener("change", () => {
    model.set("setting", select.value);
    model.save_changes();
  });
  settingRow.append(el("label", { for: select.id }, "Setting"), select);
  controls.append(mods, settingRow);

  const count = el("p", { class: "ev-count", "aria-live": "polite", "aria-atomic": "true" });
  const list = el("ul", { class: "ev-list", "aria-label": "Trials shown" });
  const legend = `Sources in brackets: first author and year (the full entry is in the bibliography). ${model.get("tag_legend") || ""}`;
  const listNote = el("p", { class: "ev-note ev-legend" }, legend.trim());
  const forestTitle = el(
    "h3",
    { class: "ev-heading", id: `${id}-forest` },
    "Hazard ratios with verified confidence intervals",
  );
  const forest = el("div", { class: "ev-forest", role: "group", "aria-labelledby": forestTitle.id });
  const forestNote = el(
    "p",
    { class: "ev-note" },
    "Only hazard ratios reported with a 95% confidence interval in the cited source are drawn; other hazard ratios appear in the trial list. " +
      "A square left of the line at 1 means fewer events with the regional therapy, as each trial defined its comparison. " +
      (model.get("tag_legend") || ""),
  );
  widget.append(controls, count, list, listNote, forestTitle, forest, forestNote);
  root.replaceChildren(widget);

  const byId = new Map(trials.map((t) => [t.id, t]));
  function update() {
    const modalities = model.get("modalities") || [];
    const setting = model.get("setting");
    for (const [k, b] of Object.entries(boxes)) b.checked = modalities.includes(k);
    select.value = setting;
    const ids = filterTrials({ trials, modalities, setting });
    count.textContent = `Showing ${ids.length} of ${trials.length} trials and studies.`;
    list.replaceChildren(...ids.map((tid) => trialCard(byId.get(tid), labels, names, bibliography)));
    drawForest(forest, forestRows({ trials: ids.map((tid) => byId.get(tid)) }), names);
  }
  model.on("change:modalities change:setting", update);
  update();
  return () => model.off("change:modalities change:setting", update);
}

export default { render };
