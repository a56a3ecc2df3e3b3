// Launch page of a SCORM 1.2 package (built by quizzes/scorm.py): mounts the quiz widget of one
// chapter with a local model, and reports to the learning platform through the SCORM 1.2 API.
//
// The quiz widget itself is unchanged: it calls model.save_changes() whenever its state moves,
// and that is the one hook used here. Answers live in the platform (cmi.suspend_data), never in
// this browser's localStorage: a shared ward computer must not show one learner's answers to
// the next, and the platform, not the browser, is what a learner returns to.
//
// cmi.suspend_data (SCORM 1.2 allows 4,096 characters), documented with its Python twin
// quizzes/scorm.py suspend_data():
//   "1~<first 12 of content hash>~<order seed>~<token>.<token>...~<learner>"
//   one token per question in bank order: base 36 of (mask * 2 + checked), where bit i of mask is
//   the i-th option of the bank; "" for a question with nothing chosen. The learner comes last
//   and may contain "~".

import quizWidget from "./quiz.js";
import { useStore } from "./storage.js";
import { FULL, questionsOf, round4, scoreQuestion, scoreQuiz } from "./quiz-data.js";

const FORMAT = "1";

// ---------------------------------------------------------------- the platform's API object
// The SCORM 1.2 way: the nearest window.API among this window's parents, then the opener's.
export function findAPI(win) {
  const look = (start) => {
    let w = start;
    for (let depth = 0; w && depth < 10; depth++) {
      try {
        if (w.API && typeof w.API.LMSInitialize === "function") return w.API;
      } catch {
        return null; // a parent on another origin: the API cannot be there for us
      }
      if (w.parent === w) break;
      w = w.parent;
    }
    return null;
  };
  let opener;
  try {
    opener = win.opener;
  } catch {
    opener = null; // an opener on another origin
  }
  return look(win) || (opener ? look(opener) : null);
}

// ---------------------------------------------------------------- suspend data
export function encodeSuspend(payload, state) {
  const tokens = questionsOf(payload).map((q) => {
    const ids = state.answers[q.id] || [];
    let mask = 0;
    q.options.forEach((o, i) => {
      if (ids.includes(o.id)) mask += 2 ** i;
    });
    if (!mask) return "";
    return (mask * 2 + (state.checked.includes(q.id) ? 1 : 0)).toString(36);
  });
  return [FORMAT, String(payload.hash).slice(0, 12), state.seed || "", tokens.join("."), state.learner || ""].join("~");
}

// The saved state, or null when the text is empty, of another format or of another quiz version.
export function decodeSuspend(payload, text) {
  if (typeof text !== "string" || !text) return null;
  const parts = text.split("~");
  if (parts.length < 5 || parts[0] !== FORMAT || parts[1] !== String(payload.hash).slice(0, 12)) return null;
  const questions = questionsOf(payload);
  const tokens = parts[3].split(".");
  if (tokens.length !== questions.length) return null;
  const state = { answers: {}, checked: [], seed: parts[2], learner: parts.slice(4).join("~") };
  questions.forEach((q, n) => {
    const value = tokens[n] ? parseInt(tokens[n], 36) : 0;
    if (!Number.isSafeInteger(value) || value <= 0) return;
    const mask = Math.floor(value / 2);
    const ids = q.options.filter((o, i) => Math.floor(mask / 2 ** i) % 2 === 1).map((o) => o.id);
    if (!ids.length) return;
    state.answers[q.id] = ids;
    if (value % 2 === 1) state.checked.push(q.id);
  });
  return state;
}

// cmi.core.session_time is a CMITimespan: HHHH:MM:SS.SS (2 to 4 digits of hours).
export function timespan(ms) {
  const cs = Math.max(0, Math.round(ms / 10));
  const pad = (n, w) => String(n).padStart(w, "0");
  const h = Math.min(9999, Math.floor(cs / 360000));
  return `${pad(h, 2)}:${pad(Math.floor(cs / 6000) % 60, 2)}:${pad(Math.floor(cs / 100) % 60, 2)}.${pad(cs % 100, 2)}`;
}

// cmi.core.score.raw: the engine's score as a percentage with two decimals ("83.33").
export function scoreRaw(score) {
  return (round4(score) * 100).toFixed(2);
}

// ---------------------------------------------------------------- a Storage that stays in memory
class MemoryStore {
  constructor() {
    this.items = new Map();
  }
  get length() {
    return this.items.size;
  }
  key(i) {
    return [...this.items.keys()][i] ?? null;
  }
  getItem(k) {
    return this.items.has(k) ? this.items.get(k) : null;
  }
  setItem(k, v) {
    this.items.set(k, String(v));
  }
  removeItem(k) {
    this.items.delete(k);
  }
}

// ---------------------------------------------------------------- one SCORM session
function session(api) {
  let open = false;
  let error = "";
  const ok = (result) => result === true || result === "true";
  const explain = () => {
    try {
      const code = api.LMSGetLastError();
      return `${code} ${api.LMSGetErrorString(code)}`.trim();
    } catch {
      return "unknown error";
    }
  };
  if (api) {
    try {
      open = ok(api.LMSInitialize(""));
      if (!open) error = explain();
    } catch (e) {
      error = String(e);
    }
  }
  return {
    get open() {
      return open;
    },
    error,
    get(name) {
      if (!open) return "";
      try {
        const v = api.LMSGetValue(name);
        return typeof v === "string" ? v : "";
      } catch {
        return "";
      }
    },
    // A platform that throws must not break the quiz: the learner can still download.
    set(name, value) {
      if (!open) return;
      try {
        api.LMSSetValue(name, String(value));
      } catch (e) {
        console.warn(`LMSSetValue ${name}: ${e}`);
      }
    },
    commit() {
      if (!open) return;
      try {
        api.LMSCommit("");
      } catch (e) {
        console.warn(`LMSCommit: ${e}`);
      }
    },
    finish() {
      if (!open) return;
      open = false;
      try {
        api.LMSFinish("");
      } catch (e) {
        console.warn(`LMSFinish: ${e}`);
      }
    },
  };
}

// ---------------------------------------------------------------- what the platform is told
function reporter(lms, payload, values) {
  const exam = payload.exam === true;
  const questions = questionsOf(payload);
  let sent = new Set(values.checked); // checked before this launch: recorded by an earlier one

  function interaction(q) {
    const n = Number.parseInt(lms.get("cmi.interactions._count"), 10) || 0;
    const ids = values.answers[q.id] || [];
    const base = `cmi.interactions.${n}`;
    lms.set(`${base}.id`, q.id);
    lms.set(`${base}.type`, "choice");
    lms.set(`${base}.weighting`, q.weight);
    lms.set(`${base}.student_response`, ids.join(",").slice(0, 255));
    if (exam) return;
    const key = q.options.filter((o) => (q.type === "single" ? o.credit >= FULL : o.credit > 0)).map((o) => o.id);
    if (key.length) lms.set(`${base}.correct_responses.0.pattern`, key.join(",").slice(0, 255));
    const s = scoreQuestion(q, ids);
    lms.set(`${base}.result`, s >= FULL ? "correct" : s > 0 ? String(round4(s)) : "wrong");
  }

  return function report() {
    if (!lms.open) return;
    const checked = new Set(values.checked);
    if ([...sent].some((id) => !checked.has(id))) sent = new Set(); // "Start again"
    for (const q of questions) {
      if (checked.has(q.id) && !sent.has(q.id)) {
        interaction(q);
        sent.add(q.id);
      }
    }
    if (!exam) {
      const chosen = {};
      for (const id of values.checked) chosen[id] = values.answers[id];
      lms.set("cmi.core.score.min", "0");
      lms.set("cmi.core.score.max", "100");
      lms.set("cmi.core.score.raw", scoreRaw(scoreQuiz(payload, chosen).score));
    }
    lms.set("cmi.core.lesson_status", checked.size === questions.length ? "completed" : "incomplete");
    lms.set("cmi.suspend_data", encodeSuspend(payload, values));
    lms.set("cmi.core.exit", "suspend");
    lms.commit();
  };
}

// ---------------------------------------------------------------- the launch page
function mount() {
  // The widget's dark colours follow html[data-theme="dark"], as on the site.
  if (window.matchMedia?.("(prefers-color-scheme: dark)").matches) document.documentElement.dataset.theme = "dark";
  const payload = JSON.parse(document.getElementById("quiz-payload").textContent);
  const status = document.getElementById("lms-status");
  const root = document.getElementById("quiz");
  const lms = session(findAPI(window));
  useStore(new MemoryStore());

  const saved = decodeSuspend(payload, lms.get("cmi.suspend_data"));
  const values = {
    payload,
    answers: saved?.answers || {},
    checked: saved?.checked || [],
    learner: saved ? saved.learner : lms.get("cmi.core.student_name"),
    seed: saved?.seed || "",
  };
  const report = reporter(lms, payload, values);
  const model = {
    get: (k) => values[k],
    set: (k, v) => {
      values[k] = v;
    },
    on() {},
    off() {},
    send() {},
    save_changes: report,
  };

  if (lms.open) {
    status.textContent =
      payload.exam === true
        ? "Connected to your learning platform: each answer you confirm is sent to it as you go. Press Finish when you are done."
        : "Connected to your learning platform: each answer you check, and your score, is sent to it as you go. Press Finish when you are done.";
  } else {
    status.textContent =
      (lms.error
        ? `The learning platform refused the connection (${lms.error}). `
        : "No learning platform was found. ") +
      "Nothing is sent anywhere and your answers are kept only while this page is open: download them before you leave, and give the file to your educator.";
    status.classList.add("qz-notice");
  }
  quizWidget.render({ model, el: root });
  if (lms.open) {
    report(); // status "incomplete" from the first launch on
    const finish = document.createElement("button");
    finish.type = "button";
    finish.className = "qz-button lms-finish";
    finish.textContent = "Finish and send my result";
    const started = Date.now();
    const done = () => {
      if (!lms.open) return;
      report();
      lms.set("cmi.core.session_time", timespan(Date.now() - started));
      // A finished attempt with every question answered is not waiting to be resumed.
      if (values.checked.length === questionsOf(payload).length) lms.set("cmi.core.exit", "");
      lms.commit();
      lms.finish();
    };
    finish.addEventListener("click", () => {
      done();
      root.inert = true;
      finish.disabled = true;
      status.textContent = "Finished: your answers were sent to your learning platform. You may close this window.";
      status.focus();
    });
    document.getElementById("lms-finish").append(finish);
    window.addEventListener("pagehide", done);
  }
}

if (typeof document !== "undefined" && document.getElementById("quiz-payload")) mount();
