// Progress page: what this browser has saved for each quiz chapter. Reads the storage written by
// widgets/quiz.js (see its header comment); never writes. summarize() mirrors
// widgets/progress.py step for step.

import { el, keepKeysInWidget } from "./dom.js";
import { EXAM_PREFIX, INDEX_KEY, PREFIX } from "./storage.js";

const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const isNum = (v) => typeof v === "number" && Number.isFinite(v);

function load(text) {
  if (typeof text !== "string") return null;
  try {
    const v = JSON.parse(text);
    return isObj(v) ? v : null;
  } catch {
    return null;
  }
}

function entry(storage, index, key, total) {
  const item = Object.prototype.hasOwnProperty.call(index, key) ? index[key] : undefined;
  const saved = load(storage[key]);
  if (saved === null && !isObj(item)) return null;
  let checked = null;
  let score = null;
  let savedAt = "";
  if (isObj(item)) {
    if (Number.isInteger(item.checked)) checked = item.checked;
    if (isNum(item.score)) score = item.score;
    savedAt = typeof item.saved_at === "string" ? item.saved_at : "";
  }
  if (checked === null) checked = saved && Array.isArray(saved.checked) ? saved.checked.length : 0;
  if (!savedAt && saved && typeof saved.saved_at === "string") savedAt = saved.saved_at;
  return { checked: Math.max(0, Math.min(checked, total)), score, saved_at: savedAt };
}

// quizzes: [{id, title, hash, questions, href}]; storage: {key: string value}.
export function summarize({ quizzes, storage }) {
  const indexDoc = load(storage[INDEX_KEY]) || {};
  const index = isObj(indexDoc.quizzes) ? indexDoc.quizzes : {};
  return quizzes.map((q) => {
    const practiceKey = `${PREFIX}${q.id}:${q.hash}`;
    const examKey = `${EXAM_PREFIX}${q.id}:${q.hash}`;
    const older = Object.keys(storage).filter(
      (k) => (k.startsWith(`${PREFIX}${q.id}:`) || k.startsWith(`${EXAM_PREFIX}${q.id}:`)) && k !== practiceKey && k !== examKey,
    );
    return {
      id: q.id,
      total: q.questions,
      practice: entry(storage, index, practiceKey, q.questions),
      exam: entry(storage, index, examKey, q.questions),
      older: older.length,
    };
  });
}

// A plain copy of the course's keys in localStorage; {} when storage is unavailable.
export function readStorage() {
  const out = {};
  try {
    const s = window.localStorage;
    for (let i = 0; s && i < s.length; i++) {
      const k = s.key(i);
      if (typeof k === "string" && (k.startsWith(PREFIX) || k.startsWith(EXAM_PREFIX) || k === INDEX_KEY)) {
        out[k] = s.getItem(k);
      }
    }
  } catch {
    /* storage blocked: show nothing saved */
  }
  return out;
}

function pct(x) {
  return `${(Math.round(x * 1000) / 10).toString()}%`;
}

function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleString();
}


function render({ model, el: root }) {
  keepKeysInWidget(root);
  const quizzes = model.get("quizzes") || [];
  const widget = el("div", { class: "pg-widget" });
  widget.append(el("p", { class: "pg-note" },
    "Read from this browser only: nothing is sent anywhere. Another browser or device has its own progress."));
  const table = el("table", { class: "pg-table" });
  table.append(el("caption", {}, "Your saved progress in each quiz"));
  const head = el("tr");
  for (const h of ["Quiz", "Answered", "Score shown", "Last saved", "Notes"]) head.append(el("th", { scope: "col" }, h));
  table.append(el("thead"));
  table.tHead.append(head);
  const body = el("tbody");
  table.append(body);
  const refresh = el("button", { type: "button", class: "pg-refresh", "data-safe-to-press": "" }, "Refresh");
  const live = el("p", { class: "pg-live", "aria-live": "polite", role: "status" });
  widget.append(table, refresh, live);
  root.append(widget);

  function update(announce) {
    const rows = summarize({ quizzes, storage: readStorage() });
    body.replaceChildren();
    let started = 0;
    rows.forEach((r, i) => {
      const q = quizzes[i];
      const tr = el("tr", { "data-quiz": q.id });
      const name = el("th", { scope: "row" });
      name.append(el("a", { href: q.href }, q.title || q.id));
      const p = r.practice;
      if (p && p.checked) started += 1;
      const answered = el("td", { class: "pg-answered" }, p ? `${p.checked} of ${r.total}` : `0 of ${r.total}`);
      const score = el("td", { class: "pg-score" }, p && p.score !== null ? pct(p.score) : "—");
      const saved = el("td", { class: "pg-saved" }, p && p.saved_at ? when(p.saved_at) : "not started");
      const notes = [];
      if (r.exam) notes.push(`exam answers: ${r.exam.checked} of ${r.total} confirmed`);
      if (r.older) notes.push(`${r.older} saved set${r.older > 1 ? "s" : ""} from an earlier version of this quiz (kept aside)`);
      tr.append(name, answered, score, saved, el("td", { class: "pg-notes" }, notes.join("; ") || "—"));
      body.append(tr);
    });
    if (announce) live.textContent = `Progress updated: ${started} of ${rows.length} quizzes started.`;
  }

  refresh.addEventListener("click", () => update(true));
  const onStorage = () => update(true);
  window.addEventListener("storage", onStorage);
  update(false);
  return () => window.removeEventListener("storage", onStorage);
}

export default { render };
