// TARE activity widget: an ILLUSTRATIVE body-surface-area (BSA) calculation for
// resin microspheres. Same steps, same order as widgets/tare_activity_model.py; every
// constant comes from Python (the `constants` trait), so it is written once.

import { el, keepKeysInWidget } from "./dom.js";

export function lsfReduction(lsf, steps) {
  for (const [above, cut] of steps) if (lsf > above) return cut;
  return 0;
}

export function compute({ height, weight, tumour_volume, liver_volume, lsf, prior_lung_dose = 0, constants: c }) {
  const [a, wexp, hexp] = c.dubois;
  const bsa = a * Math.pow(weight, wexp) * Math.pow(height, hexp);
  const tumour_fraction = tumour_volume / (tumour_volume + liver_volume);
  const base_activity = bsa - c.bsa_offset + tumour_fraction;
  const reduction = lsfReduction(lsf, c.lsf_steps);
  const treat = reduction < 1;
  const activity = treat ? base_activity * (1 - reduction) : 0;
  const lung_dose = treat ? (c.gy_per_gbq_kg * activity * (lsf / 100)) / c.lung_mass : null;
  const cumulative_lung_dose = treat ? prior_lung_dose + lung_dose : null;
  return {
    bsa,
    tumour_fraction,
    base_activity,
    reduction,
    treat,
    activity,
    lung_dose,
    cumulative_lung_dose,
    over_single_limit: treat && lung_dose > c.single_limit,
    over_cumulative_limit: treat && cumulative_lung_dose > c.cumulative_limit,
  };
}

const FIELDS = [
  { key: "height", group: 0, label: "Height (cm)", step: 1 },
  { key: "weight", group: 0, label: "Weight (kg)", step: 1 },
  { key: "tumour_volume", group: 1, label: "Tumour volume (mL)", step: 10 },
  { key: "liver_volume", group: 1, label: "Normal liver volume (mL)", step: 10 },
  { key: "lsf", group: 2, label: "Lung shunt fraction (%)", step: 0.5 },
  { key: "prior_lung_dose", group: 2, label: "Lung dose from earlier treatments (Gy, 0 if none)", step: 1 },
];
const GROUPS = ["Patient", "Liver volumes (from imaging)", "Lung shunt"];

const f2 = (v) => v.toFixed(2);
const f1 = (v) => v.toFixed(1);
const pct = (v) => `${(v * 100).toFixed(1)}%`;
// Print a number the way a person typed it: no trailing ".0".
const plain = (v) => String(Math.round(v * 100) / 100);

let counter = 0;

// " [van Roekel 2020, S]": the source's readable name (never its key) and its tag.
function nameOf(names, key) {
  return Object.prototype.hasOwnProperty.call(names, key) ? names[key] : key;
}
function cite(sources, key, names) {
  const s = sources[key];
  if (!s) return "";
  return s[1] ? ` [${nameOf(names, s[1])}, ${s[2]}]` : ` [${s[2]}]`;
}

// The ordered list of steps, each with its formula and its value.
export function steps(v, r, c, sources = {}, names = {}) {
  const cite_ = (key) => cite(sources, key, names);
  const cutText =
    r.reduction === 0
      ? "no reduction (LSF 10% or less)"
      : r.treat
        ? `reduce by ${Math.round(r.reduction * 100)}%`
        : "LSF above 20%: treatment would not be given";
  const list = [
    `Body surface area (Du Bois): ${c.dubois[0]} × ${plain(v.weight)}^${c.dubois[1]} × ${plain(v.height)}^${c.dubois[2]} = ${f2(r.bsa)} m²${cite_("bsa_formula")}`,
    `Tumour fraction: ${plain(v.tumour_volume)} / (${plain(v.tumour_volume)} + ${plain(v.liver_volume)}) = ${r.tumour_fraction.toFixed(3)} (${pct(r.tumour_fraction)})`,
    `BSA-method activity: (${f2(r.bsa)} − ${c.bsa_offset}) + ${r.tumour_fraction.toFixed(3)} = ${f2(r.base_activity)} GBq${cite_("activity_formula")}`,
    `Lung shunt fraction ${plain(v.lsf)}%: ${cutText}${r.treat ? ` → ${f2(r.activity)} GBq` : ""}${cite_("lsf_reductions")}`,
  ];
  if (r.treat) {
    list.push(
      `Lung dose: ${c.gy_per_gbq_kg} Gy·kg/GBq × ${f2(r.activity)} GBq × ${plain(v.lsf)}% ÷ ${c.lung_mass} kg (assumed) = ${f1(r.lung_dose)} Gy${cite_("gy_per_gbq_kg")}`,
      `Cumulative lung dose: ${plain(v.prior_lung_dose)} + ${f1(r.lung_dose)} = ${f1(r.cumulative_lung_dose)} Gy (limits ${c.single_limit} Gy per treatment, ${c.cumulative_limit} Gy cumulative)${cite_("lung_limits")}`,
    );
  }
  return list;
}

// Warnings a person must not miss; words, not colour, carry the meaning.
export function flags(r, c) {
  const out = [];
  if (!r.treat) out.push("Lung shunt fraction above 20%: treatment would not be given.");
  if (r.over_single_limit) out.push(`Lung dose above ${c.single_limit} Gy for one treatment.`);
  if (r.over_cumulative_limit) out.push(`Cumulative lung dose above ${c.cumulative_limit} Gy.`);
  return out;
}

function render({ model, el: root }) {
  keepKeysInWidget(root);
  const id = `ta${++counter}`;
  const c = model.get("constants");
  const limits = model.get("limits") || {};
  const sources = model.get("sources") || {};
  const sourceNames = model.get("source_labels") || {};
  const widget = el("div", { class: "ta-widget cw-card" });
  const banner = el("p", { class: "ta-banner", role: "note" });
  banner.append(
    el("strong", {}, "Teaching tool: illustrative, not for clinical use."),
    document.createTextNode(
      " Real activity planning uses imaging-based dosimetry and the manufacturer's instructions.",
    ),
  );
  widget.append(banner);

  // Worked examples: choosing one fills every field; editing a field shows "your own values".
  const examples = model.get("examples") || [];
  const exampleRow = el("div", { class: "ta-example" });
  const exampleSelect = el("select", { id: `${id}-example` });
  exampleSelect.append(el("option", { value: "" }, "Your own values"));
  for (const ex of examples) exampleSelect.append(el("option", { value: ex.id }, ex.label));
  exampleSelect.addEventListener("change", () => {
    const ex = examples.find((e) => e.id === exampleSelect.value);
    if (!ex) return;
    for (const key of [...invalid]) markValid(key); // the example replaces what was typed
    for (const [k, v] of Object.entries(ex.values)) model.set(k, v);
    model.save_changes();
    update(true);
  });
  exampleRow.append(el("label", { for: exampleSelect.id }, "Start from an illustrative example"), exampleSelect);
  widget.append(exampleRow);

  const form = el("div", { class: "ta-form" });
  const sets = GROUPS.map((name) => {
    const fs = el("fieldset");
    fs.append(el("legend", {}, name));
    form.append(fs);
    return fs;
  });
  const inputs = {},
    errors = {};
  // Fields whose text is out of range: while any is, no result is shown (a stale result next to
  // a wrong input reads as the answer for it), and the field keeps what the person typed.
  const invalid = new Set();
  function markValid(key) {
    invalid.delete(key);
    errors[key].textContent = "";
    inputs[key].removeAttribute("aria-invalid");
  }
  for (const f of FIELDS) {
    const [min, max] = limits[f.key] || [0, 1000];
    const row = el("div", { class: "ta-row" });
    const input = el("input", {
      type: "number",
      id: `${id}-${f.key}`,
      min,
      max,
      step: f.step,
      inputmode: "decimal",
      "aria-describedby": `${id}-${f.key}-err`,
    });
    const err = el("span", { class: "ta-error", id: `${id}-${f.key}-err` });
    input.addEventListener("input", () => {
      const value = input.valueAsNumber;
      if (input.value === "" || Number.isNaN(value) || value < min || value > max) {
        err.textContent = `Enter a number from ${min} to ${max}.`;
        input.setAttribute("aria-invalid", "true");
        invalid.add(f.key);
        update();
        return;
      }
      markValid(f.key);
      model.set(f.key, value);
      model.save_changes();
      update(); // also when the value equals the model's (no change event), to show the result again
    });
    inputs[f.key] = input;
    errors[f.key] = err;
    row.append(el("label", { for: input.id }, f.label), input, err);
    sets[f.group].append(row);
  }
  widget.append(form);

  const headline = el("dl", { class: "ta-numbers" });
  const warn = el("ul", { class: "ta-flags" });
  const live = el("p", { class: "ta-live", "aria-live": "polite", "aria-atomic": "true" });
  const stopped = el("p", { class: "ta-stopped", hidden: "" });
  const stepsTitle = el("p", { class: "ta-heading" }, "How the numbers are reached");
  const list = el("ol", { class: "ta-steps" });
  const keys = el(
    "p",
    { class: "ta-note" },
    "Sources in brackets: first author and year, then a tag. S: from a secondary source; standard: a textbook " +
      "formula; illustrative: an assumption of this tool. " +
      "Values are rounded for display; the calculation uses unrounded numbers. The lung mass of 1 kg is an assumption, " +
      `and lung shunt measured on MAA imaging tends to overestimate lung dose [${nameOf(sourceNames, "vanroekel2020")}, S; ` +
      `${nameOf(sourceNames, "pmc9793490")}, S].`,
  );
  widget.append(stopped, headline, warn, live, stepsTitle, list, keys);
  root.replaceChildren(widget);

  let liveTimer;
  // rewrite: put every model value in its field (an example was chosen); otherwise leave alone
  // what the person is typing in the focused field, and an entry still to be corrected.
  function update(rewrite = false) {
    const v = {};
    for (const f of FIELDS) {
      v[f.key] = model.get(f.key);
      const busy = document.activeElement === inputs[f.key] || invalid.has(f.key);
      if (rewrite === true || !busy) inputs[f.key].value = String(v[f.key]);
    }
    clearTimeout(liveTimer);
    const wrong = FIELDS.filter((f) => invalid.has(f.key));
    stopped.hidden = !wrong.length;
    for (const part of [stepsTitle, headline, list]) part.hidden = !!wrong.length;
    if (wrong.length) {
      exampleSelect.value = ""; // what is typed is no longer the example
      const problems = wrong.map((f) => `${f.label}: ${errors[f.key].textContent}`).join(" ");
      stopped.textContent = `No result while a value is out of range. ${problems}`;
      headline.replaceChildren();
      warn.replaceChildren();
      list.replaceChildren();
      live.textContent = stopped.textContent; // announced at once, not after the result delay
      return;
    }
    const match = examples.find((ex) => FIELDS.every((f) => ex.values[f.key] === v[f.key]));
    exampleSelect.value = match ? match.id : "";
    const r = compute({ ...v, constants: c });
    const rows = [
      ["Body surface area", `${f2(r.bsa)} m²`],
      ["Activity (illustrative)", r.treat ? `${f2(r.activity)} GBq` : "not treated"],
      ["Lung dose (illustrative)", r.treat ? `${f1(r.lung_dose)} Gy` : "none"],
      ["Cumulative lung dose", r.treat ? `${f1(r.cumulative_lung_dose)} Gy` : "none"],
    ];
    headline.replaceChildren(...rows.flatMap(([k, val]) => [el("dt", {}, k), el("dd", {}, val)]));
    const fl = flags(r, c);
    warn.replaceChildren(...fl.map((t) => el("li", {}, `Warning: ${t}`)));
    list.replaceChildren(...steps(v, r, c, sources, sourceNames).map((t) => el("li", {}, t)));
    liveTimer = setTimeout(() => {
      live.textContent =
        (r.treat
          ? `Illustrative activity ${f2(r.activity)} GBq; lung dose ${f1(r.lung_dose)} Gy.`
          : "Lung shunt fraction above 20%: treatment would not be given.") +
        (fl.length && r.treat ? ` Warning: ${fl.join(" ")}` : "");
    }, 300);
  }
  const names = FIELDS.map((f) => f.key);
  for (const k of names) model.on(`change:${k}`, update);
  update();
  return () => {
    for (const k of names) model.off(`change:${k}`, update);
    clearTimeout(liveTimer);
  };
}

export default { render };
