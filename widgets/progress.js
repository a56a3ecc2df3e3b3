// Progress page: what this browser has saved for each quiz chapter. Reads the storage written by
// widgets/quiz.js (see its header comment); never writes. summarize() mirrors
// widgets/progress.py step for step.

import { el, keepKeysInWidget } from "./dom.js";
import { EXAM_PREFIX, INDEX_KEY, PREFIX } from "./storage.js";
// The quiz's own rounding (11.67%, as the quiz page shows it). Nothing after an import on its
// line: widgets/base.py inlines only an import statement that ends its line.
import { cleanSaved, isObj, percent, scoreQuestion } from "./quiz-data.js";
import { historySection } from "./history.js";

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
      (k) =>
        (k.startsWith(`${PREFIX}${q.id}:`) || k.startsWith(`${EXAM_PREFIX}${q.id}:`)) &&
        k !== practiceKey &&
        k !== examKey,
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

// Performance by topic (widgets/progress.py topic_credits() is the reference). data is
// topic_data(): every quiz's questions with their credits and topics; storage as above.
function creditRows(keys, tagged, scores, weights) {
  return keys.map((key) => {
    const ids = tagged.get(key) || [];
    const done = ids.filter((i) => scores.has(i));
    let weight = 0;
    let sum = 0;
    for (const i of done) {
      weight += weights.get(i);
      sum += weights.get(i) * scores.get(i);
    }
    return { id: key, questions: ids.length, checked: done.length, credit: weight ? sum / weight : null };
  });
}

// The page's three groups, in the order it shows them: [credits key, question field, heading].
export const TOPIC_GROUPS = [
  ["modalities", "modalities", "By modality"],
  ["settings", "setting", "By setting"],
  ["tasks", "task", "By task"],
];

export function topicCredits({ data, storage }) {
  const tagged = new Map(TOPIC_GROUPS.map(([group]) => [group, new Map()]));
  const byRec = new Map();
  const scores = new Map();
  const weights = new Map();
  const add = (map, k, v) => map.set(k, [...(map.get(k) || []), v]);
  for (const quiz of data.quizzes) {
    const saved = cleanSaved(quiz, storage[`${PREFIX}${quiz.id}:${quiz.hash}`] ?? null);
    for (const c of quiz.cases) {
      for (const q of c.questions) {
        const key = `${quiz.id}/${q.id}`;
        weights.set(key, q.weight);
        if (saved.checked.includes(q.id)) scores.set(key, scoreQuestion(q, saved.answers[q.id]));
        // modalities is a list per question; setting and task are one value each
        for (const [group, field] of TOPIC_GROUPS) {
          for (const v of Array.isArray(q[field]) ? q[field] : [q[field]]) add(tagged.get(group), v, key);
        }
        for (const r of q.recommendations) add(byRec, r, key);
      }
    }
  }
  const out = {};
  for (const [group] of TOPIC_GROUPS)
    out[group] = creditRows(
      data[group].map((t) => t.id),
      tagged.get(group),
      scores,
      weights,
    );
  out.recommendations = creditRows(Object.keys(data.recommendations), byRec, scores, weights);
  return out;
}

export const REVISE_BELOW = 0.75; // as widgets/progress.py
// [group, topic id] of the topics under REVISE_BELOW, weakest first; ties keep the page's order
// (Array.prototype.sort is stable, as Python's sorted()).
export function toRevise(credits, limit = 3) {
  const weak = [];
  for (const [group] of TOPIC_GROUPS) {
    for (const r of credits[group] || [])
      if (r.credit !== null && r.credit < REVISE_BELOW) weak.push([r.credit, group, r.id]);
  }
  return weak
    .sort((a, b) => a[0] - b[0])
    .slice(0, limit)
    .map(([, group, id]) => [group, id]);
}

// A plain copy of the course's keys in localStorage, or null when this browser does not let the
// page read it (blocked by a privacy setting or a sandbox): then nothing can be said about progress.
export function readStorage() {
  const out = {};
  try {
    const s = window.localStorage;
    if (!s) return null;
    for (let i = 0; i < s.length; i++) {
      const k = s.key(i);
      if (typeof k === "string" && (k.startsWith(PREFIX) || k.startsWith(EXAM_PREFIX) || k === INDEX_KEY)) {
        out[k] = s.getItem(k);
      }
    }
  } catch {
    return null;
  }
  return out;
}

// "1 Dec 2026, 14:05" in the reader's time zone: the same order in every locale, the month in
// words, so 1/12 and 12/1 cannot be confused.
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
export function when(iso) {
  const d = new Date(iso);
  if (typeof iso !== "string" || Number.isNaN(d.getTime())) return "";
  const two = (n) => String(n).padStart(2, "0");
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${two(d.getHours())}:${two(d.getMinutes())}`;
}

function render({ model, el: root }) {
  keepKeysInWidget(root);
  const quizzes = model.get("quizzes") || [];
  const widget = el("div", { class: "pg-widget" });
  widget.append(
    el(
      "p",
      { class: "pg-note" },
      "Read from this browser only: nothing is sent anywhere. Another browser or device has its own progress.",
    ),
  );
  const table = el("table", { class: "pg-table" });
  table.append(el("caption", {}, "Your saved progress in each quiz"));
  const head = el("tr");
  for (const h of ["Quiz", "Answered", "Score shown", "Last saved", "Notes"])
    head.append(el("th", { scope: "col" }, h));
  table.append(el("thead"));
  table.tHead.append(head);
  const body = el("tbody");
  table.append(body);
  const refresh = el("button", { type: "button", class: "pg-refresh", "data-safe-to-press": "" }, "Refresh");
  const live = el("p", { class: "pg-live", "aria-live": "polite", role: "status" });
  const blocked = el(
    "p",
    { class: "pg-blocked", hidden: "" },
    "This browser does not let the course read its storage (a privacy setting or private window may block it), " +
      "so your progress cannot be shown here. The quizzes still work, but they cannot keep your answers: " +
      "download your answers on each quiz page before you leave it.",
  );
  const topicData = model.get("topics") || {};
  const hasTopics =
    Array.isArray(topicData.quizzes) &&
    isObj(topicData.recommendations) &&
    TOPIC_GROUPS.every(([group]) => Array.isArray(topicData[group]));
  const topics = el("section", { class: "pg-topics", "aria-labelledby": "pg-topics-h" });
  widget.append(blocked, table, refresh, live);
  if (hasTopics) widget.append(topics);
  root.append(widget);

  // Credit by modality, by setting and by task as bars (the percentage is also written out: the
  // bar only shows it), the weakest topics with links to the sections to reread, and credit by
  // recommendation folded below.
  function showTopics(storage) {
    const credits = topicCredits({ data: topicData, storage });
    const topic = (group, id) => topicData[group].find((t) => t.id === id);
    topics.replaceChildren(el("h2", { id: "pg-topics-h" }, "Performance by topic"));
    const revise = el("div", { class: "pg-revise" });
    const weak = toRevise(credits);
    const answered = credits.modalities.some((r) => r.checked);
    if (!answered) {
      revise.append(
        el(
          "p",
          {},
          "What to revise: check questions on the quiz pages first; this part then names your weakest topics.",
        ),
      );
    } else if (!weak.length) {
      revise.append(
        el(
          "p",
          {},
          `What to revise: nothing stands out; every topic you have answered is at ${percent(REVISE_BELOW)} or more.`,
        ),
      );
    } else {
      const intro = el("p", {});
      intro.append(el("strong", {}, "What to revise:"), " your weakest topics, with the sections to reread.");
      const list = el("ul", { class: "pg-revise-list" });
      for (const [group, id] of weak) {
        const t = topic(group, id);
        const r = credits[group].find((x) => x.id === id);
        const li = el("li", { "data-topic": id, "data-group": group });
        li.append(el("strong", {}, String(t.label)), ` (${percent(r.credit)}): `);
        t.sections.forEach((section, i) => {
          if (i) li.append(", ");
          li.append(el("a", { href: String(section.href) }, String(section.label)));
        });
        list.append(li);
      }
      revise.append(intro, list);
    }
    topics.append(revise);
    for (const [group, , heading] of TOPIC_GROUPS) {
      const headingId = `pg-topics-${group}`;
      topics.append(el("h3", { id: headingId }, heading));
      const list = el("ul", { class: "pg-topic-list", "data-group": group, "aria-labelledby": headingId });
      for (const r of credits[group]) {
        const t = topic(group, r.id);
        const li = el("li", { class: "pg-topic", "data-topic": r.id });
        const bar = el("span", { class: "pg-bar", "aria-hidden": "true" });
        bar.append(
          el("span", { class: "pg-bar-fill", style: `width: ${r.credit === null ? 0 : Math.round(r.credit * 100)}%` }),
        );
        const words =
          r.credit === null
            ? `none of ${r.questions} questions checked yet`
            : `${percent(r.credit)} on ${r.checked} of ${r.questions} questions checked`;
        li.append(
          el("a", { href: String(t.href) }, String(t.label)),
          bar,
          el("span", { class: "pg-topic-credit" }, words),
        );
        list.append(li);
      }
      topics.append(list);
    }
    const recs = credits.recommendations.filter((r) => r.checked);
    const label = new Map(topicData.modalities.map((m) => [m.id, m]));
    const fold = el("details", { class: "pg-recs" });
    fold.append(el("summary", {}, `By recommendation (${recs.length} with checked questions)`));
    const recList = el("ul");
    for (const r of recs) {
      const rec = topicData.recommendations[r.id];
      const m = label.get(["haip", "tace", "tare"].includes(rec?.modality) ? rec.modality : "general");
      const li = el("li");
      li.append(
        el("strong", {}, String(rec?.label || r.id)),
        `: ${percent(r.credit)} on ${r.checked} of ${r.questions} questions (`,
        el("a", { href: String(m.href) }, String(m.label)),
        ")",
      );
      recList.append(li);
    }
    if (recs.length) fold.append(recList);
    topics.append(fold);
  }

  function update(announce) {
    const storage = readStorage();
    const unavailable = storage === null;
    blocked.hidden = !unavailable;
    const rows = summarize({ quizzes, storage: storage || {} });
    body.replaceChildren();
    let started = 0;
    rows.forEach((r, i) => {
      const q = quizzes[i];
      const tr = el("tr", { "data-quiz": q.id });
      const name = el("th", { scope: "row" });
      name.append(el("a", { href: q.href }, q.title || q.id));
      const p = r.practice;
      if (p && p.checked) started += 1;
      // Without storage nothing is known: say so rather than "0 of 10, not started".
      const answered = el(
        "td",
        { class: "pg-answered" },
        unavailable ? "unknown" : `${p ? p.checked : 0} of ${r.total}`,
      );
      const score = el("td", { class: "pg-score" }, p && p.score !== null ? percent(p.score) : "—");
      const saved = el("td", { class: "pg-saved" });
      const date = p && p.saved_at ? when(p.saved_at) : "";
      if (unavailable) saved.textContent = "storage unavailable";
      else if (date) saved.append(el("time", { datetime: p.saved_at }, date));
      else saved.textContent = p ? "saved, date unknown" : "not started";
      const notes = [];
      if (r.exam) notes.push(`exam answers: ${r.exam.checked} of ${r.total} confirmed`);
      if (r.older)
        notes.push(`${r.older} saved set${r.older > 1 ? "s" : ""} from an earlier version of this quiz (kept aside)`);
      tr.append(name, answered, score, saved, el("td", { class: "pg-notes" }, notes.join("; ") || "—"));
      body.append(tr);
    });
    if (hasTopics) showTopics(storage || {});
    if (announce) {
      live.textContent = unavailable
        ? "Progress cannot be read: this browser blocks the course's storage."
        : `Progress updated: ${started} of ${rows.length} quizzes started.`;
    }
  }

  refresh.addEventListener("click", () => update(true));
  const onStorage = () => update(true);
  window.addEventListener("storage", onStorage);
  update(false);
  widget.append(historySection(() => update(false))); // export and import: widgets/history.js
  return () => window.removeEventListener("storage", onStorage);
}

export default { render };
