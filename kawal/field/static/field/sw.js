// The field app's service worker: the shell and its assets from the cache, so the app opens
// with no network after the first visit. kawal/field/shell.py serves this file at /field/sw.js
// with VERSION, SHELL and ASSETS defined above this line; a new VERSION re-caches everything.
//
// API calls are left alone (no respondWith): the page's queue sends them and retries itself.

const CACHE = `kawal-field-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll([SHELL, ...ASSETS].map((url) => new Request(url, { cache: "reload" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("kawal-field-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// The shell answers from the cache at once and refreshes itself in the background.
async function shell(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(SHELL, { ignoreSearch: true, ignoreVary: true });
  const fresh = fetch(SHELL).then(async (response) => {
    if (response.ok) await cache.put(SHELL, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(fresh.catch(() => null));
    return cached;
  }
  return fresh;
}

async function asset(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  return cached ?? fetch(request);
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (event.request.mode === "navigate" && url.pathname === SHELL) {
    event.respondWith(shell(event));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(asset(event.request));
  }
});
