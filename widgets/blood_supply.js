// Dual blood supply widget: how hepatic arterial infusion concentrates a drug in
// liver tumours. Same formulas, same order as widgets/blood_supply_model.py.

import { el, svg, keepKeysInWidget } from "./dom.js";

export function compute({ a_tumour, a_normal, flow, clearance, extraction }) {
  const systemic = 1 - extraction;
  const boost = clearance / flow;
  const tumour = systemic + a_tumour * boost;
  const normal = systemic + a_normal * boost;
  return {
    advantage: 1 + clearance / (flow * systemic),
    systemic,
    arterial: systemic + boost,
    tumour,
    normal,
    tumour_to_normal: tumour / normal,
  };
}

const SLIDERS = [
  { key: "a_tumour", label: "Hepatic-artery share of tumour blood supply", step: 0.01, fmt: pct },
  { key: "a_normal", label: "Hepatic-artery share of normal-liver blood supply", step: 0.01, fmt: pct },
  { key: "flow", label: "Hepatic arterial blood flow (mL/min)", step: 10, fmt: (v) => `${Math.round(v)} mL/min` },
  {
    key: "clearance",
    label: "Total-body clearance of the drug (mL/min)",
    step: 100,
    fmt: (v) => `${Math.round(v)} mL/min`,
  },
  { key: "extraction", label: "First-pass hepatic extraction", step: 0.01, fmt: pct },
];

function pct(v) {
  return `${Math.round(v * 100)}%`;
}

function times(v) {
  if (v >= 100) return `${Math.round(v)}×`;
  if (v >= 10) return `${v.toFixed(1)}×`;
  return `${v.toFixed(2)}×`;
}

let counter = 0;

// Log-scale bar chart of exposure relative to IV infusion (the dashed line at 1).
function drawChart(chart, r) {
  const bars = [
    ["Tumour", r.tumour, "bs-bar-tumour"],
    ["Normal liver", r.normal, "bs-bar-normal"],
    ["Rest of body", r.systemic, "bs-bar-systemic"],
  ];
  const W = 320,
    left = 96,
    right = 60,
    rowH = 30,
    top = 22;
  const lo = Math.log10(0.01),
    hi = Math.log10(1000);
  const x = (v) => left + ((Math.log10(Math.max(v, 0.01)) - lo) / (hi - lo)) * (W - left - right);
  chart.replaceChildren();
  chart.setAttribute("viewBox", `0 0 ${W} ${top + bars.length * rowH + 24}`);
  const summary = bars.map(([name, v]) => `${name} ${times(v)}`).join(", ");
  chart.setAttribute("aria-label", `Exposure relative to intravenous infusion: ${summary}`);
  chart.append(svg("title", {}, `Exposure relative to intravenous infusion: ${summary}`));
  bars.forEach(([name, v, cls], i) => {
    const y = top + i * rowH;
    chart.append(svg("text", { x: left - 6, y: y + 15, "text-anchor": "end", class: "bs-axis" }, name));
    chart.append(svg("rect", { x: left, y: y + 3, width: Math.max(1, x(v) - left), height: 18, class: cls }));
    chart.append(svg("text", { x: x(v) + 4, y: y + 16, class: "bs-value" }, times(v)));
  });
  const one = x(1);
  chart.append(svg("line", { x1: one, x2: one, y1: top - 6, y2: top + bars.length * rowH, class: "bs-ref" }));
  chart.append(svg("text", { x: one, y: top - 9, "text-anchor": "middle", class: "bs-axis" }, "IV = 1×"));
  const yAxis = top + bars.length * rowH + 16;
  for (const tick of [0.01, 0.1, 1, 10, 100, 1000]) {
    chart.append(svg("text", { x: x(tick), y: yAxis, "text-anchor": "middle", class: "bs-tick" }, `${tick}`));
  }
}

// Two stacked bars: where normal liver and tumour get their blood. The shares are written
// under each bar, not inside it: a 20% segment is too narrow for its words on a phone.
function drawSupply(box, aTumour, aNormal) {
  box.replaceChildren();
  for (const [name, a] of [
    ["Normal liver", aNormal],
    ["Tumour", aTumour],
  ]) {
    const row = el("div", { class: "bs-supply-row" });
    row.append(el("span", { class: "bs-supply-name" }, name));
    const words = `hepatic artery ${pct(a)}, portal vein ${pct(1 - a)}`;
    const bar = el("div", { class: "bs-supply-bar", role: "img", "aria-label": `${name}: ${words}` });
    const ha = el("span", { class: "bs-ha" });
    ha.style.width = `${a * 100}%`;
    const pv = el("span", { class: "bs-pv" });
    pv.style.width = `${(1 - a) * 100}%`;
    bar.append(ha, pv);
    row.append(bar, el("span", { class: "bs-supply-values", "aria-hidden": "true" }, words));
    box.append(row);
  }
}

function render({ model, el: root }) {
  keepKeysInWidget(root);
  const id = `bs${++counter}`;
  const presets = model.get("presets") || {};
  const limits = model.get("limits") || {};
  const sources = model.get("sources") || {};
  const names = model.get("source_labels") || {};
  const nameOf = (key) => (Object.prototype.hasOwnProperty.call(names, key) ? names[key] : key);
  const widget = el("div", { class: "bs-widget cw-card" });

  const presetSet = el("fieldset", { class: "bs-presets" });
  presetSet.append(el("legend", {}, "Drug"));
  const presetInputs = {};
  for (const [key, p] of [...Object.entries(presets), ["custom", { label: "Custom values" }]]) {
    const input = el("input", { type: "radio", name: `${id}-preset`, id: `${id}-preset-${key}`, value: key });
    input.addEventListener("change", () => {
      model.set("preset", key);
      if (presets[key]) model.set("extraction", presets[key].extraction);
      model.save_changes();
    });
    presetInputs[key] = input;
    const label = el("label", { for: input.id }, p.label);
    presetSet.append(el("span", { class: "bs-choice" }));
    presetSet.lastChild.append(input, label);
  }
  const presetNote = el("p", { class: "bs-note", id: `${id}-preset-note` });
  presetSet.append(presetNote);
  widget.append(presetSet);

  const controls = el("div", { class: "bs-controls" });
  const inputs = {},
    outputs = {};
  for (const s of SLIDERS) {
    const [min, max] = limits[s.key] || [0, 1];
    const row = el("div", { class: "bs-row" });
    const input = el("input", { type: "range", id: `${id}-${s.key}`, min, max, step: s.step });
    const label = el("label", { for: input.id }, s.label);
    const out = el("output", { for: input.id, class: "bs-out" });
    const src = sources[s.key];
    // e.g. "Default 0.90: Paulson 2001 (S)" or "Default 300 mL/min: illustrative value"
    const origin = src && (src[2] === "illustrative" ? "illustrative value" : `${nameOf(src[1])} (${src[2]})`);
    const tag = el("span", { class: "bs-src" }, src ? `Default ${src[0]}: ${origin}` : "");
    if (src) tag.title = src[3];
    input.addEventListener("input", () => {
      model.set(s.key, Number(input.value));
      if (s.key === "extraction" || s.key === "clearance") model.set("preset", "custom");
      model.save_changes();
    });
    inputs[s.key] = input;
    outputs[s.key] = out;
    row.append(label, input, out, tag);
    controls.append(row);
  }
  controls.append(el("p", { class: "bs-legend" }, model.get("tag_legend") || ""));
  widget.append(controls);

  const supply = el("div", { class: "bs-supply" });
  const supplyTitle = el("p", { class: "bs-heading" }, "Where the blood comes from");
  const key = el("p", { class: "bs-key", "aria-hidden": "true" });
  key.append(
    el("span", { class: "bs-swatch bs-ha" }),
    " hepatic artery ",
    el("span", { class: "bs-swatch bs-pv" }),
    " portal vein",
  );
  widget.append(supplyTitle, key, supply);

  const resultTitle = el(
    "p",
    { class: "bs-heading" },
    "During hepatic arterial infusion, relative to the same dose given intravenously",
  );
  const numbers = el("dl", { class: "bs-numbers" });
  const chart = svg("svg", { class: "bs-chart", role: "img", focusable: "false" });
  const live = el("p", { class: "bs-live", "aria-live": "polite", "aria-atomic": "true" });
  widget.append(resultTitle, numbers, chart, live);
  widget.append(
    el(
      "p",
      { class: "bs-disclaimer" },
      "Teaching model: steady state, flow-weighted inflow, illustrative tumour share, flow and clearance. Not for dosing.",
    ),
  );
  root.replaceChildren(widget);

  let liveTimer;
  function update() {
    const values = {};
    for (const s of SLIDERS) {
      values[s.key] = model.get(s.key);
      inputs[s.key].value = String(values[s.key]);
      outputs[s.key].textContent = s.fmt(values[s.key]);
    }
    const preset = model.get("preset");
    for (const [key, input] of Object.entries(presetInputs)) input.checked = key === preset;
    presetNote.textContent = presets[preset]
      ? `Extraction ${pct(presets[preset].extraction)}: ${presets[preset].extraction_note}.`
      : "Custom values: every number is yours.";
    const r = compute(values);
    const rows = [
      ["Regional advantage (Collins R)", times(r.advantage)],
      ["Tumour exposure", times(r.tumour)],
      ["Normal-liver exposure", times(r.normal)],
      ["Tumour : normal liver", `${r.tumour_to_normal.toFixed(2)} : 1`],
      ["Exposure of the rest of the body", times(r.systemic)],
    ];
    numbers.replaceChildren(...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
    drawChart(chart, r);
    drawSupply(supply, values.a_tumour, values.a_normal);
    clearTimeout(liveTimer);
    liveTimer = setTimeout(() => {
      live.textContent =
        `Regional advantage ${times(r.advantage)}; tumour ${times(r.tumour)}, ` +
        `normal liver ${times(r.normal)}, rest of body ${times(r.systemic)} the intravenous level.`;
    }, 250);
  }
  const keys = ["preset", ...SLIDERS.map((s) => s.key)];
  for (const k of keys) model.on(`change:${k}`, update);
  update();
  return () => {
    for (const k of keys) model.off(`change:${k}`, update);
    clearTimeout(liveTimer);
  };
}

export default { render };
