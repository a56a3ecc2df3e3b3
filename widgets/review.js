// "Review what is due": the questions checked on any quiz page come back here when the FSRS
// scheduler says so (the queue: review-store.js). The overview counts what is due today and in
// the next seven days; a review session shows the due questions one at a time in a shuffled
// order, scored and explained exactly as on the quiz page (quiz-data.js, quiz-view.js), and each
// answer reschedules its card. A review never changes a quiz's saved (graded) answers.

import { el, keepKeysInWidget } from "./dom.js";
import { displayOrder } from "./order.js";
import { CERTAINTY_KEY, PREFIX, PROBE_KEY, REVIEW_KEY, SEED_KEY, readItem, removeItem, writeItem } from "./storage.js";
import { SEED_PATTERN, cleanSaved, isObj, percent, questionsOf, scoreQuestion, verdict } from "./quiz-data.js";
import { questionBlock, shuffled } from "./review-question.js";
import { loadPractice, practiceSetup, runPractice } from "./review-practice.js";
import {
  CERTAINTY,
  calibration,
  cbmMark,
  dueSummary,
  loadQueue,
  recordCheck,
  reviewOrder,
  storageBlocked,
} from "./review-store.js";

let counter = 0;

// Every question of every quiz, by card id "<quiz id>/<question id>", with what it needs to be
// shown: its quiz, its case (the vignette it depends on), its number in the quiz, its option order.
function questionIndex(quizzes) {
  const index = new Map();
  for (const quiz of quizzes) {
    const payload = quiz.payload;
    if (!isObj(payload) || !Array.isArray(payload.cases)) continue;
    const saved = cleanSaved(payload, readItem(`${PREFIX}${payload.id}:${payload.hash}`));
    const shared = readItem(SEED_KEY);
    // The order the learner saw on the quiz page (its seed), so options keep their places.
    const seed = saved.seed || (typeof shared === "string" && SEED_PATTERN.test(shared) ? shared : "0000000000000000");
    const total = questionsOf(payload).length;
    let n = 0;
    for (const c of payload.cases) {
      for (const q of c.questions || []) {
        n += 1;
        const byId = new Map(q.options.map((o) => [o.id, o]));
        const shown = displayOrder(q.options, seed, payload.id, q.id).map((id) => byId.get(id));
        index.set(`${payload.id}/${q.id}`, { quiz, payload, c, q, n, total, shown });
      }
    }
  }
  return index;
}

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const dateWords = (ms) =>
  new Date(ms).toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long" });

function render({ model, el: root }) {
  keepKeysInWidget(root);
  const uid = `rv${++counter}`;
  const quizzes = (model.get("quizzes") || []).filter((q) => isObj(q) && typeof q.id === "string");
  // The page carries the cited recommendations once (widgets/review.py); each question's
  // feedback looks its sources up in its payload, as on the quiz page.
  const shared = isObj(model.get("recommendations")) ? model.get("recommendations") : {};
  for (const quiz of quizzes) if (isObj(quiz.payload)) quiz.payload.recommendations = shared;
  const widget = el("div", { class: "qz-widget rv-widget cw-card" });
  root.replaceChildren(widget);
  if (model.get("exam") === true || !quizzes.length) {
    widget.append(
      el(
        "p",
        { class: "qz-notice" },
        "Review is not available in this edition of the course: it has no answer key. Use the practice edition to review.",
      ),
    );
    return;
  }
  const canStore = writeItem(PROBE_KEY, "1");
  removeItem(PROBE_KEY);
  const index = questionIndex(quizzes);
  const overview = el("section", { class: "rv-overview", "aria-labelledby": `${uid}-ov` });
  const session = el("section", { class: "rv-session", "aria-labelledby": `${uid}-q` });
  const storageNote = el(
    "p",
    { class: "qz-notice rv-storage" },
    "This browser is not keeping your review queue (storage is blocked or full): reviews on this page last until you leave it.",
  );
  storageNote.hidden = canStore;
  const live = el("p", { class: "qz-live", "aria-live": "polite", "aria-atomic": "true" });
  widget.append(storageNote, overview, session, live);
  session.hidden = true;
  let inSession = false;
  // Certainty rating: off unless the learner turns it on; remembered in this browser.
  let rateCertainty = readItem(CERTAINTY_KEY) === "on";

  const announce = (text) => (live.textContent = text);
  const known = (entries) => entries.filter((e) => index.has(`${e.quiz}/${e.question}`));

  function showOverview(focus = false) {
    inSession = false;
    session.hidden = true;
    overview.hidden = false;
    overview.replaceChildren();
    const now = Date.now();
    const queue = loadQueue();
    const all = Object.values(queue.cards);
    const { today, week } = dueSummary(queue, now);
    const dueToday = known(today);
    const dueWeek = known(week);
    const gone = all.length - known(all).length;
    const heading = el("h2", { id: `${uid}-ov`, tabindex: "-1" }, "What is due");
    overview.append(heading);
    const counts = el("ul", { class: "rv-counts" });
    counts.append(
      el("li", { class: "rv-today" }, `Due today: ${plural(dueToday.length, "question")}.`),
      el("li", { class: "rv-week" }, `Due in the next 7 days: ${plural(dueWeek.length, "more question")}.`),
      el("li", { class: "rv-total" }, `In your review queue: ${plural(known(all).length, "question")}.`),
    );
    overview.append(counts);
    if (!all.length) {
      overview.append(
        el(
          "p",
          { class: "rv-empty" },
          "Nothing to review yet. Every question you check on a quiz page joins this queue and comes back here when it is due.",
        ),
      );
    }
    if (gone) {
      overview.append(
        el(
          "p",
          { class: "qz-notice", role: "note" },
          `${plural(gone, "question")} in your queue ${gone === 1 ? "is" : "are"} no longer in the course and ${gone === 1 ? "is" : "are"} left out.`,
        ),
      );
    }
    const byQuiz = el("ul", { class: "rv-quizzes", "aria-label": "Due by quiz" });
    for (const quiz of quizzes) {
      const mine = known(all).filter((e) => e.quiz === quiz.id);
      if (!mine.length) continue;
      const t = dueToday.filter((e) => e.quiz === quiz.id).length;
      const w = dueWeek.filter((e) => e.quiz === quiz.id).length;
      const li = el("li");
      li.append(
        el("a", { href: String(quiz.href || "#") }, String(quiz.title || quiz.id)),
        `: ${t} due today, ${w} in the next 7 days (${mine.length} in the queue).`,
      );
      byQuiz.append(li);
    }
    if (byQuiz.childElementCount) overview.append(byQuiz);
    if (dueToday.length) {
      const start = el(
        "button",
        { type: "button", class: "qz-button rv-start" },
        `Review the ${plural(dueToday.length, "due question")}`,
      );
      // Confident wrong answers first (reviewOrder), shuffled within each group.
      start.addEventListener("click", () => startSession(reviewOrder(dueToday, shuffled)));
      overview.append(start);
    } else if (all.length) {
      const upcoming = known(all)
        .map((e) => e.card.due)
        .sort((a, b) => a - b)[0];
      if (upcoming !== undefined)
        overview.append(
          el("p", { class: "rv-next" }, `Nothing is due today. The next question is due on ${dateWords(upcoming)}.`),
        );
    }
    overview.append(certaintyControls(queue), practiceSetup(practice), moving());
    if (focus) heading.focus();
  }

  // The timed practice test takes the session's place until the learner closes it.
  let stopPractice = () => {};
  const practice = { uid, quizzes, index, announce, run: startPractice };
  function startPractice(test) {
    inSession = true;
    overview.hidden = true;
    session.hidden = false;
    stopPractice = runPractice(practice, session, test, () => {
      stopPractice();
      showOverview(true);
    });
  }

  // Export and import live on the progress page (widgets/history.js); say where.
  function moving() {
    const p = el("p", { class: "rv-moving" }, "Moving to another device? ");
    p.append(
      el(
        "a",
        { href: String(model.get("history_href") || "progress.html#crlm-history") },
        "Export or import your learning history",
      ),
      " on the progress page: one file carries your review queue, quiz answers and settings.",
    );
    return p;
  }

  function certaintyControls(queue) {
    const box = el("div", { class: "rv-certainty" });
    const id = `${uid}-cert`;
    const toggle = el("input", { type: "checkbox", id, "aria-describedby": `${id}-note` });
    toggle.checked = rateCertainty;
    toggle.addEventListener("change", () => {
      rateCertainty = toggle.checked;
      if (rateCertainty) writeItem(CERTAINTY_KEY, "on");
      else removeItem(CERTAINTY_KEY);
      announce(rateCertainty ? "You will be asked how sure you are before each check." : "Certainty rating is off.");
    });
    const row = el("div", { class: "rv-toggle" });
    row.append(toggle, el("label", { for: id }, "Rate how sure I am before each check"));
    box.append(
      row,
      el(
        "p",
        { class: "rv-note", id: `${id}-note` },
        "Certainty-based marking: a right answer earns 1, 2 or 3 for low, medium or high certainty, " +
          "any other answer 0, -2 or -6. It is a separate calibration score; your quiz scores never change.",
      ),
    );
    const cal = calibration(queue);
    if (cal.count) {
      box.append(
        el(
          "p",
          { class: "rv-calibration" },
          `Your calibration: ${Number(cal.mean.toFixed(2))} per answer on average, over ${plural(cal.count, "answer")} rated with a certainty (best possible 3).`,
        ),
      );
    }
    return box;
  }

  function startSession(entries) {
    inSession = true;
    overview.hidden = true;
    session.hidden = false;
    const results = [];
    let at = 0;
    showQuestion();

    function showQuestion() {
      session.replaceChildren();
      const entry = entries[at];
      const item = index.get(`${entry.quiz}/${entry.question}`);
      const base = `${uid}-r${at}`;
      const heading = el("h2", { id: `${uid}-q`, tabindex: "-1" }, `Review question ${at + 1} of ${entries.length}`);
      const block = questionBlock(item, base, () => (hint.textContent = ""));
      const box = block.box;
      session.append(heading, ...block.nodes);
      // Optional, before the check: how sure the learner is (none chosen: no certainty mark).
      const sure = el("fieldset", { class: "rv-sure" });
      const sureInputs = [1, 2, 3].map((level) => {
        const input = el("input", {
          type: "radio",
          name: `${base}-sure`,
          id: `${base}-s${level}`,
          value: String(level),
        });
        const wrap = el("span", { class: "rv-sure-option" });
        wrap.append(input, el("label", { for: input.id }, CERTAINTY[level]));
        sure.append(wrap);
        return input;
      });
      sure.prepend(el("legend", {}, "How sure are you? (optional)"));
      const check = el("button", { type: "button", class: "qz-button qz-check" }, "Check answer");
      const hint = el("p", { class: "qz-hint" });
      const feedback = el("div", { class: "qz-feedback" });
      if (rateCertainty) box.append(sure);
      box.append(check, hint, feedback);
      check.addEventListener("click", () => {
        const chosen = block.chosen();
        if (!chosen.length) {
          hint.textContent = "Choose an answer first.";
          announce("Choose an answer first.");
          return;
        }
        const s = scoreQuestion(item.q, chosen);
        const picked = rateCertainty ? sureInputs.find((x) => x.checked) : null;
        const certainty = picked ? Number(picked.value) : null;
        const card = recordCheck(entry.quiz, entry.question, s, Date.now(), certainty).card;
        if (storageBlocked()) storageNote.hidden = false;
        results.push(s);
        for (const x of sureInputs) x.disabled = true;
        block.lock(chosen);
        check.hidden = true;
        const [verdictLine, ...explained] = block.feedback(s, chosen);
        const markWords = certainty
          ? ` Certainty ${CERTAINTY[certainty]}: certainty-based mark ${cbmMark(s, certainty)}.`
          : "";
        feedback.append(verdictLine, ...explained);
        if (certainty) feedback.append(el("p", { class: "rv-mark" }, markWords.trim()));
        feedback.append(el("p", { class: "rv-due" }, `This question comes back on ${dateWords(card.due)}.`));
        const last = at + 1 === entries.length;
        const next = el(
          "button",
          { type: "button", class: "qz-button rv-next-question" },
          last ? "Finish the review" : "Next question",
        );
        next.addEventListener("click", () => {
          at += 1;
          if (last) finish();
          else showQuestion();
        });
        session.append(next);
        announce(`${verdict(s)}, ${percent(s)}.${markWords} Comes back on ${dateWords(card.due)}.`);
        verdictLine.focus();
      });
      heading.focus();
    }

    function finish() {
      const full = results.filter((s) => verdict(s) === "Correct").length;
      showOverview();
      const done = el(
        "p",
        { class: "rv-done", role: "status" },
        `Review finished: ${full} of ${plural(results.length, "question")} fully correct.`,
      );
      overview.insertBefore(done, overview.children[1]);
      overview.querySelector("h2").focus();
    }
  }

  showOverview();
  const inProgress = loadPractice(index);
  if (inProgress) startPractice(inProgress);
  // Questions checked in another tab join the overview (a session in progress is left alone).
  function onStorage(event) {
    if (event.key === REVIEW_KEY && !inSession) showOverview();
  }
  window.addEventListener("storage", onStorage);
  return () => {
    stopPractice();
    window.removeEventListener("storage", onStorage);
  };
}

export default { render };
