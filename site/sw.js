// Service worker: keeps a copy of the MicroSim so that it opens with the network
// down after one visit over http(s). boot.js registers it after the first frame.
//
// tools/build.py replaces BUILD_ID (a hash of the folder's files) and FILES (the
// paths to cache, relative to this file). A new build therefore changes this file,
// the browser installs the new worker, and its activation deletes older caches.
//
// Strategies, so that an edited file is never hidden behind the cache:
// - vendor/pyodide/ (the runtime, 33 MB, fixed by the lockfile): cache first;
// - everything else (page, scripts, Python sources): network first, falling back
//   to the cache only when the network fails.

const BUILD_ID = "development";
const FILES = [];

const CACHE_PREFIX = "attention-sim-";
const CACHE_NAME = CACHE_PREFIX + BUILD_ID;
const SCOPE = new URL("./", self.location.href).href;
const RUNTIME_SCOPE = new URL("vendor/pyodide/", SCOPE).href;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE_NAME);
      // "no-cache" revalidates with the server, so the files cached are this
      // build's, while unchanged ones still come from the HTTP cache (304).
      await cache.addAll(FILES.map((path) => new Request(path, { cache: "no-cache" })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(SCOPE)) return;
  if (request.url.startsWith(RUNTIME_SCOPE)) {
    event.respondWith(cacheFirst(request));
  } else {
    event.respondWith(networkFirst(request));
  }
});

async function cacheFirst(request) {
  const cache = await caches.open(CACHE_NAME);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE_NAME);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") await cache.put(request, response.clone());
    return response;
  } catch (error) {
    // A page URL may carry settings in its query string; the cached page is the same.
    const cached = await cache.match(request, { ignoreSearch: request.mode === "navigate" });
    if (cached) return cached;
    throw error;
  }
}
