// The course offline after one visit (see book/_ext/course_assets.py).
// At build time this template is written to the site root (scope: the whole site) with the
// build's version (a hash of every precached file) and the list of files to precache.
// Install: fetch that list into a cache named after the version (nothing outside the site).
// Activate (when no page uses an older version, or the reader pressed Reload): delete the
// caches of older versions. Fetch: a precached file comes from the cache, whatever its query
// string (?v=, ?digest=, search.html?q=); downloads/ (the LMS exports) come from the network
// when asked for and are kept for offline use; anything else goes to the network unchanged.
"use strict";

const VERSION = "__COURSE_VERSION__";
const PRECACHE = ["__COURSE_PRECACHE__"];

const SCOPE = self.registration.scope; // the site root, ends with "/"
const PREFIX = `crlm-course ${SCOPE} `; // this site's caches, whatever else the origin hosts
const CACHE = PREFIX + VERSION;
const DOWNLOADS = new URL("downloads/", SCOPE).href;

self.addEventListener("install", (event) => {
  // cache: "reload" bypasses the HTTP cache, so a file is never taken from an older build.
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(new URL(url, SCOPE), { cache: "reload" })))),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim(); // the page that installed the worker is served offline too
    })(),
  );
});

// The page's Reload button: take over now instead of waiting for every tab to close.
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "course-activate") self.skipWaiting();
  if (event.data && event.data.type === "course-version" && event.ports[0]) {
    event.ports[0].postMessage({ version: VERSION, files: PRECACHE.length });
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || request.headers.has("range") || !request.url.startsWith(SCOPE)) return;
  event.respondWith(request.url.startsWith(DOWNLOADS) ? onDemand(request) : precached(request));
});

async function precached(request) {
  const cache = await caches.open(CACHE);
  const url = new URL(request.url);
  if (url.pathname.endsWith("/")) url.pathname += "index.html"; // the site root, a folder
  url.hash = "";
  const hit = await cache.match(url.href, { ignoreSearch: true });
  return hit || fetch(request);
}

async function onDemand(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(request, { ignoreSearch: true });
    if (kept) return kept;
    throw error;
  }
}
