// HAIP trial outcomes: pick a trial and an endpoint, see paired bars by arm with the
// numbers printed, the source (by name) and its tag, and a short reading of what the number shows.
// Data come from book/data/trials.yaml via widgets/trial_outcomes.py (the `data` trait).

import { el, svg, keepKeysInWidget } from "./dom.js";

export function barScale({ unit, values }) {
  if (unit === "%") return 100;
  const top = Math.max(...values.filter((v) => v !== null && v !== undefined));
  return Math.max(10, Math.ceil((top * 1.1) / 10) * 10);
}

function fmtValue(v, unit) {
  if (v === null || v === undefined) return "not reached";
  return unit === "%" ? `${v}%` : `${v} ${unit}`;
}

let counter = 0;

// Paired horizontal bars; a missing value ("not reached") is drawn as text only.
function drawBars(chart, trial, r) {
  const W = 320,
    left = 112,
    right = 78,
    rowH = 34,
    top = 8;
  const max = barScale(r);
  const x = (v) => left + (v / max) * (W - left - right);
  const H = top + trial.arm_labels.length * rowH + 26;
  chart.replaceChildren();
  chart.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const parts = trial.arm_labels.map((a, i) => `${a}: ${fmtValue(r.values[i], r.unit)}`);
  chart.setAttribute("aria-label", `${r.endpoint}. ${parts.join("; ")}.`);
  chart.append(svg("title", {}, `${r.endpoint}. ${parts.join("; ")}.`));
  trial.arm_labels.forEach((arm, i) => {
    const y = top + i * rowH;
    const v = r.values[i];
    chart.append(svg("text", { x: left - 6, y: y + 17, "text-anchor": "end", class: "to-label" }, arm));
    if (v !== null && v !== undefined) {
      chart.append(
        svg("rect", {
          x: left,
          y: y + 4,
          width: Math.max(1, x(v) - left),
          height: 20,
          class: i === 0 ? "to-bar to-bar-a" : "to-bar to-bar-b",
        }),
      );
    }
    const end = v === null || v === undefined ? left : x(v);
    chart.append(svg("text", { x: end + 5, y: y + 18, class: "to-value" }, fmtValue(v, r.unit)));
  });
  const yAxis = top + trial.arm_labels.length * rowH + 2;
  chart.append(svg("line", { x1: left, x2: x(max), y1: yAxis, y2: yAxis, class: "to-axis" }));
  for (const t of [0, max / 2, max]) {
    chart.append(svg("line", { x1: x(t), x2: x(t), y1: yAxis, y2: yAxis + 4, class: "to-axis" }));
    chart.append(
      svg(
        "text",
        { x: x(t), y: yAxis + 16, "text-anchor": "middle", class: "to-tick" },
        r.unit === "%" ? `${t}%` : `${t}`,
      ),
    );
  }
  if (r.unit !== "%")
    chart.append(svg("text", { x: W - 4, y: yAxis + 16, "text-anchor": "end", class: "to-tick" }, r.unit));
}

// A hazard ratio on a log axis from 0.25 to 4, with the line of no difference at 1.
function drawHazard(chart, r) {
  const W = 320,
    pad = 20,
    y = 24;
  const x = (v) => pad + ((Math.log(v) - Math.log(0.25)) / (Math.log(4) - Math.log(0.25))) * (W - 2 * pad);
  chart.replaceChildren();
  chart.setAttribute("viewBox", `0 0 ${W} 78`);
  const ci = r.ci_low !== null && r.ci_low !== undefined;
  const label = `Hazard ratio ${r.hr}${ci ? `, 95% confidence interval ${r.ci_low} to ${r.ci_high}` : ""}.`;
  chart.setAttribute("aria-label", label);
  chart.append(svg("title", {}, label));
  chart.append(svg("line", { x1: x(1), x2: x(1), y1: 4, y2: 40, class: "to-one" }));
  if (ci) chart.append(svg("line", { x1: x(r.ci_low), x2: x(r.ci_high), y1: y, y2: y, class: "to-ci" }));
  chart.append(svg("rect", { x: x(r.hr) - 5, y: y - 5, width: 10, height: 10, class: "to-bar to-bar-a" }));
  chart.append(svg("text", { x: x(r.hr), y: y - 9, "text-anchor": "middle", class: "to-value" }, `HR ${r.hr}`));
  chart.append(svg("line", { x1: pad, x2: W - pad, y1: 44, y2: 44, class: "to-axis" }));
  for (const t of [0.25, 0.5, 1, 2, 4]) {
    chart.append(svg("text", { x: x(t), y: 58, "text-anchor": "middle", class: "to-tick" }, String(t)));
  }
  chart.append(svg("text", { x: W / 2, y: 73, "text-anchor": "middle", class: "to-tick" }, "hazard ratio (log scale)"));
}

function render({ model, el: root }) {
  keepKeysInWidget(root);
  const id = `to${++counter}`;
  const data = model.get("data") || [];
  // Readers see "Kemeny et al. 2006", never the bibliography key (labels come from Python).
  const names = model.get("source_labels") || {};
  const nameOf = (key) => (Object.prototype.hasOwnProperty.call(names, key) ? names[key] : key);
  const widget = el("div", { class: "to-widget cw-card" });

  const trialRow = el("div", { class: "to-row" });
  const select = el("select", { id: `${id}-trial` });
  for (const t of data) select.append(el("option", { value: t.id }, t.name));
  select.addEventListener("change", () => {
    model.set("trial", select.value);
    model.set("endpoint", 0);
    model.save_changes();
  });
  trialRow.append(el("label", { for: select.id }, "Trial"), select);
  const endpoints = el("fieldset", { class: "to-endpoints" });
  widget.append(trialRow, endpoints);

  const designNote = el("p", { class: "to-design" });
  const chart = svg("svg", { class: "to-chart", role: "img", focusable: "false" });
  const figures = el("p", { class: "to-figures", "aria-live": "polite", "aria-atomic": "true" });
  const reading = el("ul", { class: "to-reading" });
  const arms = el("ol", { class: "to-arms" });
  const legend = el(
    "p",
    { class: "to-src to-legend" },
    `Source in brackets: first author and year, then a tag. ${model.get("tag_legend") || ""}`.trim(),
  );
  widget.append(
    designNote,
    chart,
    figures,
    legend,
    reading,
    el("p", { class: "to-heading" }, "Arms as reported"),
    arms,
  );
  root.replaceChildren(widget);

  let shownTrial = null;
  function update() {
    const trial = data.find((t) => t.id === model.get("trial")) || data[0];
    const index = Math.min(model.get("endpoint") || 0, trial.results.length - 1);
    const r = trial.results[index];
    select.value = trial.id;

    // Rebuild the radio group only when the trial changes, so keyboard focus stays put.
    if (shownTrial !== trial.id) {
      shownTrial = trial.id;
      endpoints.replaceChildren(el("legend", {}, `Endpoint (${trial.results.length} for this trial)`));
      trial.results.forEach((res, i) => {
        const input = el("input", { type: "radio", name: `${id}-endpoint`, id: `${id}-e-${i}`, value: String(i) });
        input.addEventListener("change", () => {
          model.set("endpoint", i);
          model.save_changes();
        });
        const choice = el("div", { class: "to-choice" });
        choice.append(input, el("label", { for: input.id }, res.endpoint));
        endpoints.append(choice);
      });
    }
    endpoints.querySelectorAll("input").forEach((input, i) => {
      input.checked = i === index;
    });

    designNote.textContent = trial.design_note;
    if (r.values && r.values.length === trial.arm_labels.length) drawBars(chart, trial, r);
    else drawHazard(chart, r);

    figures.replaceChildren(
      el("strong", {}, `${r.endpoint}: `),
      document.createTextNode(r.text),
      el("span", { class: "to-src" }, ` [${nameOf(r.citation)}, ${r.source}]`),
    );
    const items = [r.p_reading];
    if (r.note) items.push(r.note);
    reading.replaceChildren(...items.map((t) => el("li", {}, t)));
    arms.replaceChildren(...trial.arms.map((a, i) => el("li", {}, `${trial.arm_labels[i]}: ${a}`)));
  }
  model.on("change:trial change:endpoint", update);
  update();
  return () => model.off("change:trial change:endpoint", update);
}

export default { render };
