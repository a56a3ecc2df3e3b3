// DEBIRI session planner: lobar sequencing (FFCD-1201), supportive care, eligibility.
// The pure functions mirror widgets/debiri_sequencing.py; a browser test compares them.

import { el, svg, keepKeysInWidget } from "./dom.js";

const LOBES = ["right", "left"];

export function schedule({ strategy, rounds }) {
  if (strategy === "both") return Array.from({ length: rounds }, () => [...LOBES]);
  return Array.from({ length: 2 * rounds }, (_, i) => [LOBES[i % 2]]);
}

export function perHundred(rate) {
  return Math.round(rate); // halves round up, as in the Python reference
}

export function eligibility({ liver_share, involvement, thresholds }) {
  const liver_dominant = liver_share >= thresholds.liver_share_min;
  const involvement_ok = involvement <= thresholds.involvement_max;
  return { liver_dominant, involvement_ok, meets: liver_dominant && involvement_ok };
}

let counter = 0;

// One small liver per session; a treated lobe is filled AND labelled "treated".
function drawTimeline(chart, sessions) {
  const cell = 64,
    W = Math.max(cell * sessions.length, 200),
    H = 96;
  chart.replaceChildren();
  chart.setAttribute("viewBox", `0 0 ${W} ${H}`);
  chart.style.maxWidth = `${Math.round(W * 1.25)}px`; // keep the drawing small when there are few sessions
  const summary = sessions
    .map((lobes, i) => `session ${i + 1}: ${lobes.join(" and ")} lobe${lobes.length > 1 ? "s" : ""}`)
    .join("; ");
  chart.setAttribute("aria-label", `Schematic session timeline. ${summary}.`);
  chart.append(svg("title", {}, `Schematic session timeline. ${summary}.`));
  chart.append(svg("line", { x1: 4, x2: W - 4, y1: 70, y2: 70, class: "db-axis-line" }));
  sessions.forEach((lobes, i) => {
    const x = i * cell + 6;
    LOBES.forEach((lobe, j) => {
      const treated = lobes.includes(lobe);
      const lx = x + j * 26;
      chart.append(
        svg("rect", { x: lx, y: 10, width: 24, height: 42, rx: 6, class: treated ? "db-lobe db-treated" : "db-lobe" }),
      );
      chart.append(
        svg(
          "text",
          { x: lx + 12, y: 30, "text-anchor": "middle", class: treated ? "db-on" : "db-off" },
          lobe === "right" ? "R" : "L",
        ),
      );
      chart.append(
        svg(
          "text",
          { x: lx + 12, y: 45, "text-anchor": "middle", class: treated ? "db-on db-small" : "db-off db-small" },
          treated ? "✓" : "–",
        ),
      );
    });
    chart.append(svg("text", { x: x + 25, y: 86, "text-anchor": "middle", class: "db-tick" }, `S${i + 1}`));
  });
}

// 100 squares: filled ones stand for patients with grade 3-5 toxicity.
function drawIcons(box, n) {
  box.replaceChildren();
  box.setAttribute("viewBox", "0 0 200 80");
  box.setAttribute("aria-label", `About ${n} of 100 patients had grade 3 to 5 toxicity.`);
  box.append(svg("title", {}, `About ${n} of 100 patients had grade 3 to 5 toxicity.`));
  for (let i = 0; i < 100; i++) {
    const col = i % 25,
      row = Math.floor(i / 25);
    box.append(
      svg("rect", {
        x: col * 8,
        y: row * 20,
        width: 6,
        height: 16,
        rx: 1,
        class: i < n ? "db-icon db-icon-on" : "db-icon",
      }),
    );
  }
}

function render({ model, el: root }) {
  keepKeysInWidget(root);
  const id = `db${++counter}`;
  const strategies = model.get("strategies") || {};
  const checklist = model.get("checklist") || [];
  const t = model.get("thresholds") || {};
  // Readers see "Pernot et al. 2020", never the bibliography key (labels come from Python).
  const names = model.get("source_labels") || {};
  const nameOf = (key) => (Object.prototype.hasOwnProperty.call(names, key) ? names[key] : key);
  const widget = el("div", { class: "db-widget cw-card" });

  // 1. Strategy and number of rounds.
  const plan = el("fieldset");
  plan.append(el("legend", {}, "Bilobar disease: how are the lobes treated?"));
  const radios = {};
  for (const [key, s] of Object.entries(strategies)) {
    const input = el("input", { type: "radio", name: `${id}-strategy`, id: `${id}-s-${key}`, value: key });
    input.addEventListener("change", () => {
      model.set("strategy", key);
      model.save_changes();
    });
    radios[key] = input;
    const choice = el("span", { class: "db-choice" });
    choice.append(input, el("label", { for: input.id }, s.label));
    plan.append(choice);
  }
  const roundsRow = el("div", { class: "db-row" });
  const rounds = el("select", { id: `${id}-rounds` });
  for (const n of [1, 2, 3]) rounds.append(el("option", { value: String(n) }, String(n)));
  rounds.addEventListener("change", () => {
    model.set("rounds", Number(rounds.value));
    model.save_changes();
  });
  roundsRow.append(el("label", { for: rounds.id }, "Treatments of each lobe to draw"), rounds);
  plan.append(roundsRow);
  widget.append(plan);

  const chart = svg("svg", { class: "db-timeline", role: "img", focusable: "false" });
  const timelineNote = el("p", { class: "db-note" }, model.get("timeline_note") || "");
  widget.append(el("p", { class: "db-heading" }, "Session timeline"), chart, timelineNote);

  // 2. The observed toxicity for that strategy.
  const result = el("div", { class: "db-result", "aria-live": "polite", "aria-atomic": "true" });
  const icons = svg("svg", { class: "db-icons", role: "img", focusable: "false" });
  const compare = el("p", { class: "db-compare" });
  const caveat = el("p", { class: "db-note" }, model.get("strategy_note") || "");
  widget.append(
    el("p", { class: "db-heading" }, "Grade 3 to 5 toxicity observed in FFCD-1201"),
    result,
    icons,
    compare,
    caveat,
  );

  // 3. Supportive care checklist.
  const care = el("fieldset");
  care.append(el("legend", {}, "Premedication and supportive care (Fiorentini 2008)"));
  const boxes = {};
  for (const item of checklist) {
    const row = el("div", { class: "db-check" });
    const input = el("input", { type: "checkbox", id: `${id}-c-${item.id}`, value: item.id });
    input.addEventListener("change", () => {
      const now = checklist.filter((c) => boxes[c.id].checked).map((c) => c.id);
      model.set("checked", now);
      model.save_changes();
    });
    boxes[item.id] = input;
    const label = el("label", { for: input.id }, item.label);
    const src = el("span", { class: "db-src" }, ` [${item.keys.map(nameOf).join(", ")}, ${item.tag}]`);
    row.append(input, label, src);
    if (item.note) row.append(el("p", { class: "db-note db-item-note" }, item.note));
    care.append(row);
  }
  const careCount = el("p", { class: "db-count", "aria-live": "polite" });
  care.append(careCount);
  widget.append(care);

  // 4. Eligibility reminders.
  const elig = el("fieldset");
  elig.append(el("legend", {}, "Eligibility reminders (technical recommendations)"));
  const numbers = {};
  for (const [key, label] of [
    ["liver_share", "Share of total tumour burden in the liver (%)"],
    ["involvement", "Hepatic parenchymal involvement (%)"],
  ]) {
    const row = el("div", { class: "db-row" });
    const input = el("input", { type: "number", id: `${id}-${key}`, min: 0, max: 100, step: 1 });
    input.addEventListener("input", () => {
      const v = input.valueAsNumber;
      if (Number.isNaN(v) || v < 0 || v > 100) return;
      model.set(key, v);
      model.save_changes();
    });
    numbers[key] = input;
    row.append(el("label", { for: input.id }, label), input);
    elig.append(row);
  }
  const eligOut = el("ul", { class: "db-elig", "aria-live": "polite" });
  elig.append(
    eligOut,
    el(
      "p",
      { class: "db-note" },
      `Liver-only or liver-dominant disease (${t.liver_share_min}% or more of the tumour burden in the liver), ` +
        `involvement not above ${t.involvement_max}%, and eligibility set by a multidisciplinary team ` +
        `[${nameOf(t.key)}, ${t.tag}]. A reminder, not a decision tool.`,
    ),
  );
  widget.append(
    elig,
    el(
      "p",
      { class: "db-note" },
      `Sources in brackets: first author and year, then a tag. ${model.get("tag_legend") || ""}`.trim(),
    ),
  );
  root.replaceChildren(widget);

  function update() {
    const key = model.get("strategy");
    const n = model.get("rounds");
    for (const [k, r] of Object.entries(radios)) r.checked = k === key;
    rounds.value = String(n);
    drawTimeline(chart, schedule({ strategy: key, rounds: n }));
    const s = strategies[key];
    const per = perHundred(s.rate);
    result.replaceChildren(
      el("span", { class: "db-rate" }, `${s.rate}%`),
      document.createTextNode(
        ` with “${s.label.toLowerCase()}”: about ${per} in 100 patients [${nameOf(s.key)}, ${s.tag}].`,
      ),
    );
    drawIcons(icons, per);
    const other = Object.entries(strategies).find(([k]) => k !== key)[1];
    const gap = Math.abs(s.rate - other.rate).toFixed(1);
    compare.textContent =
      `The other strategy (“${other.label.toLowerCase()}”) had ${other.rate}% [${nameOf(other.key)}, ${other.tag}]: ` +
      `a gap of ${gap} percentage points (our arithmetic).`;
  }
  function updateChecks() {
    const on = new Set(model.get("checked") || []);
    for (const [k, b] of Object.entries(boxes)) b.checked = on.has(k);
    careCount.textContent = `${on.size} of ${checklist.length} items ticked.`;
  }
  function updateElig() {
    const v = { liver_share: model.get("liver_share"), involvement: model.get("involvement") };
    for (const [k, input] of Object.entries(numbers)) if (document.activeElement !== input) input.value = String(v[k]);
    const e = eligibility({ ...v, thresholds: t });
    eligOut.replaceChildren(
      el(
        "li",
        {},
        `${e.liver_dominant ? "Meets" : "Does not meet"}: ${t.liver_share_min}% or more of the tumour burden in the liver (entered ${v.liver_share}%).`,
      ),
      el(
        "li",
        {},
        `${e.involvement_ok ? "Meets" : "Does not meet"}: involvement not above ${t.involvement_max}% (entered ${v.involvement}%).`,
      ),
    );
  }
  const groups = [
    ["change:strategy change:rounds", update],
    ["change:checked", updateChecks],
    ["change:liver_share change:involvement", updateElig],
  ];
  for (const [ev, fn] of groups) model.on(ev, fn);
  update();
  updateChecks();
  updateElig();
  return () => {
    for (const [ev, fn] of groups) model.off(ev, fn);
  };
}

export default { render };
