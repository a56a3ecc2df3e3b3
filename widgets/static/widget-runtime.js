// Mounts the course's anywidgets on the static site, with no kernel and no CDN.
// myst-nb saves the widget state in a <script type=STATE> and leaves a <script
// type=VIEW> naming a model where each output was. An anywidget's front end
// (_esm, _css) is in that state: we import it from a Blob URL and render it
// with a small local model. A model that is not an anywidget needs a kernel and
// says so. Any other failure (bad state, a module that fails or hangs, a render
// that throws or draws nothing) shows its reason in place of that widget only.
const STATE = "application/vnd.jupyter.widget-state+json";
const VIEW = "application/vnd.jupyter.widget-view+json";
// Blob imports and renders take milliseconds: past this, a reason beats a blank box.
const LIMIT_S = 5;

class Failure extends Error {} // its message is the reason the reader sees
const fail = (reason) => { throw new Failure(reason); };
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const parse = (text) => { try { return JSON.parse(text); } catch { return undefined; } }; // not JSON

// The saved models by id, or why there are none (a string).
function readState() {
  const el = document.querySelector(`script[type="${STATE}"]`);
  const saved = el && parse(el.textContent);
  if (!el) return "the page has no saved widget state";
  if (saved === undefined) return "the page's widget state is not valid JSON";
  return isObject(saved?.state) ? saved.state : "the page's widget state has the wrong shape";
}

// The part of the anywidget model a front end uses; with no kernel, save_changes and send go nowhere.
class LocalModel {
  constructor(state) { this.state = { ...state }; this.subs = new Map(); }
  get(name) { return this.state[name]; }
  set(name, value) {
    const old = this.state[name];
    this.state[name] = value;
    if (old !== value) this.emit(`change:${name}`, value);
  }
  on(events, cb) {
    for (const e of events.split(/\s+/)) this.subs.set(e, (this.subs.get(e) || new Set()).add(cb));
  }
  off(events, cb) {
    if (!events) return this.subs.clear();
    for (const e of events.split(/\s+/)) cb ? this.subs.get(e)?.delete(cb) : this.subs.delete(e);
  }
  emit(name, value) {
    for (const cb of this.subs.get(name) || []) cb(this, value);
    for (const cb of this.subs.get("change") || []) cb(this);
  }
  save_changes() {}
  send() {}
}

// One import per distinct module: widgets of one kind share it (and its id counter).
const modules = new Map();
function importEsm(source) {
  if (!modules.has(source)) {
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    modules.set(source, import(url).finally(() => URL.revokeObjectURL(url)));
  }
  return modules.get(source);
}

// One step of mounting, within the limit; any failure names the step.
async function step(what, work) {
  let timer;
  const late = new Promise((_, no) => {
    timer = setTimeout(no, LIMIT_S * 1e3, new Failure(`${what} took longer than ${LIMIT_S} s`));
  });
  try {
    return await Promise.race([work(), late]);
  } catch (err) {
    throw err instanceof Failure ? err : new Failure(`${what} failed (${err})`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

const styled = new Set();
function addCss(css) {
  if (css && !styled.has(css)) document.head.appendChild(document.createElement("style")).textContent = css;
  styled.add(css);
}

// Puts `text` in the widget's place, as text: nothing saved is ever parsed as HTML.
function notice(box, status, text) {
  const note = document.createElement("p");
  note.className = "widget-fallback";
  note.setAttribute("role", "status");
  note.textContent = text;
  box.replaceChildren(note);
  return (box.dataset.widgetStatus = status);
}

async function show(script, states, box) {
  if (typeof states === "string") fail(states);
  const id = parse(script.textContent)?.model_id;
  if (typeof id !== "string") fail("its output names no model id");
  const entry = states[id] || fail("no saved state for this widget");
  if (typeof entry.model_name !== "string" || !isObject(entry.state)) fail("its saved state has the wrong shape");
  if (entry.model_name !== "AnyModel") {
    box.dataset.widgetModel = entry.model_name;
    return notice(box, "fallback", "This interactive output needs a live Jupyter kernel, so it is not shown " +
      "on the website. Open the chapter as a notebook to use it.");
  }
  const { _esm, _css } = entry.state;
  if (typeof _esm !== "string") fail("its saved _esm (module code) is not text");
  if (_css != null && typeof _css !== "string") fail("its saved _css is not text");
  const def = await step("loading its code", async () => {
    const mod = await importEsm(_esm);
    const found = mod.default ?? mod; // anywidget allows a function that returns the widget
    return typeof found === "function" ? found() : found;
  });
  if (typeof def?.render !== "function") fail("its code has no render function");
  addCss(_css);
  const context = { model: new LocalModel(entry.state), experimental: {} };
  await step("drawing it", async () => {
    await def.initialize?.(context);
    await def.render({ ...context, el: box });
  });
  if (!box.hasChildNodes()) fail("it drew nothing");
  return (box.dataset.widgetStatus = "mounted");
}

// Never rejects: resolves to "mounted", "fallback" (needs a kernel) or "failed".
async function mount(script, states) {
  const box = document.createElement("div");
  box.className = "course-widget";
  box.dataset.widgetStatus = "loading";
  script.after(box);
  try {
    return await show(script, states, box);
  } catch (err) {
    const reason = String(err instanceof Failure ? err.message : err).slice(0, 300);
    console.error(`widget failed to mount: ${reason}`, ...(err.cause ? [err.cause] : []));
    return notice(box, "failed", `This interactive figure could not be loaded: ${reason}.`);
  }
}

async function mountAll() {
  const started = performance.now();
  const states = readState();
  const views = [...document.querySelectorAll(`script[type="${VIEW}"]`)];
  const statuses = await Promise.all(views.map((view) => mount(view, states)));
  const count = (status) => statuses.filter((s) => s === status).length;
  const root = document.documentElement.dataset;
  root.widgetsMounted = count("mounted");
  root.widgetsFailed = count("failed");
  root.widgetsMountMs = Math.round(performance.now() - started);
  // Milliseconds since navigation start: what a reader waits for working widgets.
  root.widgetsReadyAt = Math.round(performance.now());
  document.dispatchEvent(new CustomEvent("course:widgets-mounted"));
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
else mountAll();
