// Moving between devices: the whole learning history this browser keeps for the course (every
// quiz chapter's answers, the review queue with its logs, the certainty setting, a practice test
// in progress, the display-order seed; the keys are listed in storage.js) exported as one JSON
// file and imported on another device. Mounted on the progress page as a section of its own.
//
// File format: {"format": "crlm-learning-history", "version": 1, "exported_at": ISO 8601,
//   "items": {"<storage key>": "<the stored string, unchanged>"}}
// An import checks the whole file before it writes anything. It then replaces every course key
// in this browser by the file's (a key the file lacks is removed), and puts the old values back
// if a write fails, so a refused or failed import changes nothing. When this browser already
// holds history, the learner sees what would be replaced and must confirm with a button.
// Text from a file reaches the page only through textContent (el() in dom.js).

import { el } from "./dom.js";
import {
  CERTAINTY_KEY,
  EXAM_PREFIX,
  INDEX_KEY,
  PRACTICE_KEY,
  PREFIX,
  PROBE_KEY,
  REVIEW_KEY,
  SEED_KEY,
  keysStartingWith,
  readItem,
  removeItem,
  writeItem,
} from "./storage.js";
import { SEED_PATTERN, isObj } from "./quiz-data.js";
import { cleanQueue } from "./review-store.js";

export const HISTORY_FORMAT = "crlm-learning-history";
export const HISTORY_VERSION = 1;
const HISTORY_MAX_BYTES = 10 * 1024 * 1024; // far above what localStorage can hold (about 5 MB)
// Every key of storage.js is in one of these three lists. They are named here because a module
// cannot list another's exports once bundled (widgets/base.py pastes each import in by name);
// tests/test_history.py fails when storage.js gains a key that none of them holds.
const QUIZ_PREFIXES = [PREFIX, EXAM_PREFIX]; // + "<quiz id>:<content hash>": one key per quiz
const SINGLE_KEYS = [INDEX_KEY, SEED_KEY, REVIEW_KEY, CERTAINTY_KEY, PRACTICE_KEY];
// Left out on purpose: the probe is written and removed at once, so it holds nothing of the learner's.
export const NOT_HISTORY = [PROBE_KEY];
const QUIZ_TAIL = /^[^:\s]+:[^:\s]+$/; // "<quiz id>:<content hash>"
const isQuizKey = (key) => QUIZ_PREFIXES.some((p) => key.startsWith(p) && QUIZ_TAIL.test(key.slice(p.length)));

// The course's keys now in this browser, as {key: stored string}.
export function historyItems() {
  const items = {};
  for (const key of [...QUIZ_PREFIXES.flatMap((p) => keysStartingWith(p)), ...SINGLE_KEYS]) {
    const value = readItem(key);
    if (value !== null) items[key] = value;
  }
  return items;
}

export function historyFile(items, now = new Date()) {
  return { format: HISTORY_FORMAT, version: HISTORY_VERSION, exported_at: now.toISOString(), items };
}

// "crlm-learning-history-2026-12-01.json": the local date, year first, the same in every locale.
export function historyFileName(now = new Date()) {
  const two = (n) => String(n).padStart(2, "0");
  return `${HISTORY_FORMAT}-${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}.json`;
}

// A name from a file, shortened for a message (it is shown as text, never as HTML).
const quoted = (s) => `"${String(s).length > 80 ? `${String(s).slice(0, 80)}…` : String(s)}"`;
function parsedObject(value) {
  try {
    const v = JSON.parse(value);
    return isObj(v) ? v : null;
  } catch {
    return null;
  }
}

// Why one stored value is not what its key holds, or "" when it is.
function itemProblem(key, value) {
  if (typeof value !== "string") return "is not text";
  if (key === SEED_KEY) return SEED_PATTERN.test(value) ? "" : "is not a display-order seed";
  if (key === CERTAINTY_KEY) return value === "on" ? "" : 'is not "on"';
  const v = parsedObject(value);
  if (v === null) return "is not a JSON object (damaged)";
  if (key === INDEX_KEY) return isObj(v.quizzes) ? "" : "has no list of quizzes";
  if (key === PRACTICE_KEY) {
    return Array.isArray(v.items) && v.items.every((x) => typeof x === "string") && Number.isFinite(v.ends)
      ? ""
      : "is not a practice test (questions or end time missing)";
  }
  if (key === REVIEW_KEY) {
    if (!isObj(v.cards)) return "has no review cards";
    // The review page would silently drop a card it cannot read: refuse the file instead.
    const clean = cleanQueue(v).cards;
    for (const [id, entry] of Object.entries(v.cards)) {
      if (!clean[id]) return `has a damaged review card ${quoted(id)}`;
      if (!Array.isArray(entry.log) || clean[id].log.length !== entry.log.length)
        return `has a damaged review log for ${quoted(id)}`;
    }
    return "";
  }
  // A quiz chapter's saved answers.
  if (!isObj(v.answers) || !Array.isArray(v.checked))
    return "is not a quiz's saved answers (answers or checked list missing)";
  const [, quizId] = key.slice(key.startsWith(EXAM_PREFIX) ? EXAM_PREFIX.length - 1 : PREFIX.length - 1).split(":");
  if (typeof v.quiz === "string" && v.quiz !== quizId) return `holds answers to another quiz, ${quoted(v.quiz)}`;
  const lists = Object.values(v.answers).every((ids) => Array.isArray(ids) && ids.every((x) => typeof x === "string"));
  return lists && v.checked.every((x) => typeof x === "string") ? "" : "has answers that are not lists of options";
}

// Checks a file's text. Returns {items, exportedAt} or {error} (a sentence naming what is wrong).
export function readHistory(text) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { error: `The file is not complete JSON, so it is damaged or cut short (${err.message}).` };
  }
  if (!isObj(doc) || !Object.prototype.hasOwnProperty.call(doc, "format")) {
    return { error: "The file is not a learning history of this course: it has no format name." };
  }
  if (doc.format !== HISTORY_FORMAT) {
    return {
      error: `The file is not a learning history of this course: its format is ${quoted(doc.format)}, not "${HISTORY_FORMAT}".`,
    };
  }
  if (!Number.isInteger(doc.version) || doc.version < 1) {
    return { error: "The file's format version is missing or not a whole number of 1 or more: it is damaged." };
  }
  if (doc.version > HISTORY_VERSION) {
    return {
      error: `The file was made by a newer version of the course (format version ${doc.version}); this page reads version ${HISTORY_VERSION}. Update the course here, or export again from a matching version.`,
    };
  }
  if (!isObj(doc.items)) return { error: "The file has no history items: it is damaged." };
  for (const [key, value] of Object.entries(doc.items)) {
    if (!SINGLE_KEYS.includes(key) && !isQuizKey(key)) {
      return {
        error: `The file holds an item this course does not use, ${quoted(key)}: it is damaged or from another site.`,
      };
    }
    const problem = itemProblem(key, value);
    if (problem) return { error: `The file's item ${quoted(key)} ${problem}.` };
  }
  const at = new Date(doc.exported_at);
  return {
    items: doc.items,
    exportedAt: typeof doc.exported_at === "string" && !Number.isNaN(at.getTime()) ? at : null,
  };
}

const count = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

// What a set of items holds, as short phrases a learner understands (empty: no history).
export function describeHistory(items) {
  const out = [];
  const sets = (prefix) => Object.keys(items).filter((k) => k.startsWith(prefix) && isQuizKey(k));
  const checked = (keys) => keys.reduce((n, k) => n + (parsedObject(items[k])?.checked?.length || 0), 0);
  const practice = sets(PREFIX);
  const exam = sets(EXAM_PREFIX);
  if (practice.length)
    out.push(
      `answers to ${count(practice.length, "quiz", "quizzes")} (${count(checked(practice), "question")} checked)`,
    );
  if (exam.length)
    out.push(
      `exam answers to ${count(exam.length, "quiz", "quizzes")} (${count(checked(exam), "question")} confirmed)`,
    );
  if (REVIEW_KEY in items) {
    const cards = Object.values(cleanQueue(parsedObject(items[REVIEW_KEY])).cards);
    if (cards.length)
      out.push(
        `${count(cards.length, "review card")} with ${count(
          cards.reduce((n, c) => n + c.log.length, 0),
          "logged review",
        )}`,
      );
  }
  if (items[CERTAINTY_KEY] === "on") out.push("certainty rating turned on");
  if (PRACTICE_KEY in items)
    out.push(
      parsedObject(items[PRACTICE_KEY])?.submitted_at == null
        ? "a practice test in progress"
        : "a finished practice test",
    );
  return out;
}

// Replace the course's keys by `items`; on a failed write, put the old ones back. True if done.
export function replaceHistory(items) {
  const before = historyItems();
  const clear = () => Object.keys(historyItems()).forEach(removeItem);
  clear();
  if (Object.entries(items).every(([k, v]) => writeItem(k, v))) return true;
  clear();
  for (const [k, v] of Object.entries(before)) writeItem(k, v);
  return false;
}

const stamp = (d) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")} ` +
  `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;

// The section: export button, file picker, confirmation, status. onImported() redraws the page.
export function historySection(onImported = () => {}) {
  const section = el("section", { class: "hs-section", id: "crlm-history", "aria-labelledby": "crlm-history-h" });
  section.append(
    el("h2", { id: "crlm-history-h" }, "Moving to another device"),
    el(
      "p",
      { class: "hs-note" },
      "Save your whole learning history in this browser (quiz answers, review queue, settings, a practice test in progress) as one file, " +
        "and load it in a browser on another device. Loading a file replaces the history there.",
    ),
  );
  const status = el("p", { class: "hs-status", role: "status", "aria-live": "polite" });
  const canStore = writeItem(PROBE_KEY, "1");
  removeItem(PROBE_KEY);
  if (!canStore) {
    section.append(
      el(
        "p",
        { class: "hs-blocked" },
        "This browser does not let the course use its storage (a privacy setting or private window may block it), " +
          "so there is no saved history to export here and a history file cannot be loaded.",
      ),
    );
    return section;
  }
  const exportButton = el("button", { type: "button", class: "hs-button hs-export" }, "Export my learning history");
  exportButton.addEventListener("click", () => {
    const now = new Date();
    const items = historyItems();
    const url = URL.createObjectURL(
      new Blob([JSON.stringify(historyFile(items, now), null, 1)], { type: "application/json" }),
    );
    const name = historyFileName(now);
    const a = el("a", { href: url, download: name, hidden: "" });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    const held = describeHistory(items);
    status.textContent = `Saved ${name}, holding ${held.length ? held.join("; ") : "no history yet"}.`;
  });
  const pickId = "crlm-history-file";
  const picker = el("input", { type: "file", id: pickId, class: "hs-file", accept: ".json,application/json" });
  const pickRow = el("div", { class: "hs-pick" });
  pickRow.append(el("label", { for: pickId }, "Import a learning history file"), picker);
  const confirm = el("div", { class: "hs-confirm", role: "group", "aria-labelledby": "crlm-history-ch" });
  confirm.hidden = true;
  section.append(exportButton, pickRow, confirm, status);

  function list(phrases) {
    const ul = el("ul");
    for (const p of phrases.length ? phrases : ["no history"]) ul.append(el("li", {}, p));
    return ul;
  }
  function apply(file) {
    confirm.hidden = true;
    confirm.replaceChildren();
    if (!replaceHistory(file.items)) {
      status.textContent =
        "Not imported: this browser refused to store the history (storage may be full). Your history here is unchanged.";
      return;
    }
    const held = describeHistory(file.items);
    picker.focus(); // the confirmation buttons are gone: keep the keyboard where it was
    status.textContent = `Imported: this browser now holds ${held.length ? held.join("; ") : "no history"}. Review what is due shows the imported queue.`;
    onImported();
  }

  picker.addEventListener("change", async () => {
    const chosen = picker.files && picker.files[0];
    picker.value = ""; // the same file can be chosen again
    confirm.hidden = true;
    confirm.replaceChildren();
    status.textContent = ""; // each choice gets its own message, even when it repeats the last
    if (!chosen) return;
    if (chosen.size > HISTORY_MAX_BYTES) {
      status.textContent =
        "Not imported: the file is far larger than any learning history of this course. Nothing was changed.";
      return;
    }
    let text;
    try {
      text = await chosen.text();
    } catch {
      status.textContent = "Not imported: the file could not be read. Nothing was changed.";
      return;
    }
    const file = readHistory(text);
    if (file.error) {
      status.textContent = `Not imported: ${file.error} Nothing was changed.`;
      return;
    }
    const here = historyItems();
    delete here[SEED_KEY]; // the display order alone is no history worth a question
    if (!Object.keys(here).length) return apply(file);
    const heading = el("h3", { id: "crlm-history-ch", tabindex: "-1" }, "Replace the history in this browser?");
    const yes = el("button", { type: "button", class: "hs-button hs-yes" }, "Replace it with the file");
    const no = el("button", { type: "button", class: "hs-button hs-no" }, "Cancel");
    yes.addEventListener("click", () => apply(file));
    no.addEventListener("click", () => {
      confirm.hidden = true;
      confirm.replaceChildren();
      status.textContent = "Import cancelled. Nothing was changed.";
      picker.focus();
    });
    const from = file.exportedAt ? ` (exported ${stamp(file.exportedAt)})` : "";
    confirm.replaceChildren(
      heading,
      el("p", {}, "This browser holds, and would lose:"),
      list(describeHistory(here)),
      el("p", {}, `The file${from} holds:`),
      list(describeHistory(file.items)),
      yes,
      no,
    );
    confirm.hidden = false;
    status.textContent = "The file is a valid learning history. Confirm below to replace the history in this browser.";
    heading.focus();
  });
  return section;
}
