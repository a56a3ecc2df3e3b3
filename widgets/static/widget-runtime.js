// Mounts the course's anywidgets on the static site, with no kernel and no CDN.
//
// myst-nb writes the executed notebook's widget state into the page as
// <script type="application/vnd.jupyter.widget-state+json"> and one
// <script type="application/vnd.jupyter.widget-view+json"> per output. An
// anywidget's front end (_esm, _css) is part of that state, so we import the
// module from a Blob URL and call its render() with a small local model.
// Anything that is not an anywidget needs a kernel: it gets a clear notice.

const STATE_TYPE = "application/vnd.jupyter.widget-state+json";
const VIEW_TYPE = "application/vnd.jupyter.widget-view+json";

function readState() {
  const el = document.querySelector(`script[type="${STATE_TYPE}"]`);
  if (!el) return {};
  try {
    return JSON.parse(el.textContent).state || {};
  } catch (err) {
    console.warn("widget state is not valid JSON", err);
    return {};
  }
}

// The subset of the anywidget model API that a front end uses: get/set/on/off,
// save_changes and send. Without a kernel, save_changes and send go nowhere.
class LocalModel {
  constructor(state) {
    this.state = { ...state };
    this.listeners = new Map();
  }
  get(name) {
    return this.state[name];
  }
  set(name, value) {
    const old = this.state[name];
    this.state[name] = value;
    if (old !== value) this.emit(`change:${name}`, value);
  }
  on(event, callback) {
    for (const name of event.split(/\s+/)) {
      if (!this.listeners.has(name)) this.listeners.set(name, new Set());
      this.listeners.get(name).add(callback);
    }
  }
  off(event, callback) {
    if (!event) return this.listeners.clear();
    for (const name of event.split(/\s+/)) {
      if (callback) this.listeners.get(name)?.delete(callback);
      else this.listeners.delete(name);
    }
  }
  emit(name, value) {
    for (const cb of this.listeners.get(name) || []) cb(this, value);
    if (name.startsWith("change:")) for (const cb of this.listeners.get("change") || []) cb(this);
  }
  save_changes() {}
  send() {}
}

const modules = new Map();
function importEsm(source) {
  if (!modules.has(source)) {
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    modules.set(source, import(url).finally(() => URL.revokeObjectURL(url)));
  }
  return modules.get(source);
}

async function widgetDefinition(mod) {
  let def = mod.default ?? mod;
  if (typeof def === "function") def = await def();
  return def;
}

const styled = new Set();
function addCss(css) {
  if (!css || styled.has(css)) return;
  styled.add(css);
  const style = document.createElement("style");
  style.textContent = css;
  document.head.appendChild(style);
}

function fallback(container, modelName) {
  const note = document.createElement("p");
  note.className = "widget-fallback";
  note.textContent =
    "This interactive output needs a live Jupyter kernel, so it is not shown on the website. " +
    "Open the chapter as a notebook to use it.";
  container.appendChild(note);
  container.dataset.widgetStatus = "fallback";
  container.dataset.widgetModel = modelName || "unknown";
}

async function mount(script, states) {
  const container = document.createElement("div");
  container.className = "course-widget";
  script.after(container);
  let modelId;
  try {
    modelId = JSON.parse(script.textContent).model_id;
  } catch {
    return fallback(container, "unreadable view");
  }
  const entry = states[modelId];
  const state = entry?.state || {};
  if (entry?.model_name !== "AnyModel" || typeof state._esm !== "string") {
    return fallback(container, entry?.model_name);
  }
  const model = new LocalModel(state);
  addCss(state._css);
  const def = await widgetDefinition(await importEsm(state._esm));
  const context = { model, experimental: {} };
  await def.initialize?.(context);
  await def.render?.({ ...context, el: container });
  container.dataset.widgetStatus = "mounted";
}

async function mountAll() {
  const started = performance.now();
  const states = readState();
  const views = [...document.querySelectorAll(`script[type="${VIEW_TYPE}"]`)];
  const results = await Promise.allSettled(views.map((view) => mount(view, states)));
  for (const r of results) if (r.status === "rejected") console.error("widget failed to mount", r.reason);
  const root = document.documentElement;
  root.dataset.widgetsMounted = String(results.filter((r) => r.status === "fulfilled").length);
  root.dataset.widgetsMountMs = String(Math.round(performance.now() - started));
  // Milliseconds since navigation start: what a reader waits for working widgets.
  root.dataset.widgetsReadyAt = String(Math.round(performance.now()));
  document.dispatchEvent(new CustomEvent("course:widgets-mounted"));
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
else mountAll();
