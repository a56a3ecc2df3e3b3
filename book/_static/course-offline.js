// Offline after the first visit (see book/_ext/course_assets.py): registers the course's
// service worker once the page has loaded and settled, and says so when a newer build of the course is
// ready, with a Reload button. Without service workers (file:// pages, old browsers, blocked
// by policy or private browsing) nothing happens and the site works online as before.
(() => {
  "use strict";
  const sw = navigator.serviceWorker;
  if (!sw || !/^https?:$/.test(location.protocol)) return;
  const root = document.documentElement.dataset.content_root || "";
  const workerUrl = new URL(`${root}service-worker.js`, location.href).href;
  let asked = false; // the reader pressed Reload on this page
  let controlled = !!sw.controller;

  const STYLE = `
.course-update { position: fixed; z-index: 1060; bottom: 1rem; inset-inline-start: 1rem;
  max-width: calc(100vw - 2rem); display: flex; flex-wrap: wrap; align-items: center; gap: .5rem .75rem;
  padding: .5rem .75rem; border: 1px solid var(--pst-color-border, #ccc); border-radius: .5rem;
  background: var(--pst-color-surface, #f5f5f5); color: var(--pst-color-text-base, #222);
  box-shadow: 0 .25rem .75rem rgba(0, 0, 0, .2); font-size: .9rem; }
.course-update button { font: inherit; color: inherit; background: transparent; cursor: pointer;
  border: 1px solid currentColor; border-radius: .25rem; padding: .15rem .6rem; }
.course-update button.course-update-reload { font-weight: 600; border-width: 2px; }
@media print { .course-update { display: none; } }`;

  function button(label, onClick, className) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    if (className) b.className = className;
    b.addEventListener("click", onClick);
    return b;
  }

  // worker: the new version waiting to take over, or null when another tab already let it
  function offer(worker) {
    if (document.getElementById("course-update")) return;
    if (!document.getElementById("course-update-style")) {
      const style = document.createElement("style");
      style.id = "course-update-style";
      style.textContent = STYLE;
      document.head.append(style);
    }
    const box = document.createElement("div");
    box.id = "course-update";
    box.className = "course-update";
    box.setAttribute("role", "status"); // announced politely, never steals the focus
    box.setAttribute("aria-live", "polite");
    document.body.append(box);
    // Filled once the live region exists, so that screen readers announce the text.
    requestAnimationFrame(() => {
      const text = document.createElement("span");
      text.textContent = "A new version of this course is available.";
      const reload = button(
        "Reload",
        () => {
          asked = true;
          if (worker && worker.state !== "redundant") worker.postMessage({ type: "course-activate" });
          else location.reload();
        },
        "course-update-reload",
      );
      box.append(
        text,
        reload,
        button("Later", () => box.remove()),
      );
    });
  }

  sw.addEventListener("controllerchange", () => {
    if (asked) {
      asked = false;
      location.reload(); // the new version is in charge: show its pages
    } else if (controlled) {
      offer(null); // another tab took the new version
    }
    controlled = true;
  });

  function register() {
    sw.register(workerUrl).then(
      (registration) => {
        if (!registration) return; // a stand-in register() that does nothing (test harnesses)
        if (registration.waiting && sw.controller) offer(registration.waiting);
        registration.addEventListener("updatefound", () => {
          const worker = registration.installing;
          if (!worker) return;
          worker.addEventListener("statechange", () => {
            // installed while an older version controls this page: the new one waits for us
            if (worker.state === "installed" && sw.controller) offer(worker);
          });
        });
      },
      () => {
        // Refused (blocked, storage full, insecure context): the site stays online-only.
      },
    );
  }

  // Once the page has loaded and settled: the precache (the whole site) must never compete for a
  // slow connection with the page the reader asked for.
  const idle = (fn) =>
    "requestIdleCallback" in window ? window.requestIdleCallback(fn, { timeout: 3000 }) : setTimeout(fn);
  const soon = () => setTimeout(() => idle(register), 1000);
  if (document.readyState === "complete") soon();
  else window.addEventListener("load", soon, { once: true });
})();
