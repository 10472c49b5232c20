/* 职工之家·河北 — the service worker of the installable app (served at /sw.js by portal.pwa).
 *
 * - Precaches the shell: the offline page, portal.css, pwa.js and the icons.
 * - /static/: from the cache first (the names are hashed in production, so a cached file
 *   never goes stale; a new version of this worker empties the old caches).
 * - Page navigations: always from the network, the offline page when it is down. Pages
 *   are never kept: most carry a member's data or a CSRF token, and a phone may be shared.
 * - Never touched: anything but GET, other origins, /api/, /admin/, /auth/.
 * - Push: shows the notice (title, body, url from the JSON payload); a click opens its page
 *   on this site only.
 */
"use strict";

const VERSION = "{{ version }}";
const SHELL_CACHE = "zgzj-shell-" + VERSION;
const STATIC_CACHE = "zgzj-static-" + VERSION;
const PRECACHE = {{ precache|safe }};
const OFFLINE_URL = "{{ offline_url }}";
const STATIC_URL = "{{ static_url }}";
const ICON = "{{ icon }}";
const DEFAULT_TITLE = {{ default_title|safe }};
const NOTICES_URL = "{{ notices_url }}";
const PASS_THROUGH = ["/api/", "/admin/", "/auth/"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith("zgzj-") && key !== SHELL_CACHE && key !== STATIC_CACHE)
            .map((key) => caches.delete(key))
        )
      )
      .then(() => self.clients.claim())
  );
});

function keepable(response) {
  if (!response || !response.ok || response.type !== "basic") {
    return false;
  }
  const control = (response.headers.get("Cache-Control") || "").toLowerCase();
  return !control.includes("private") && !control.includes("no-store");
}

function offlinePage() {
  // ignoreVary: the page was stored with the Cookie and language of the visit that installed
  // the worker; it is the same page for anyone.
  return caches
    .match(OFFLINE_URL, { ignoreVary: true, ignoreSearch: true })
    .then((cached) => cached || Response.error());
}

function fromCacheFirst(request) {
  return caches.match(request).then((cached) => {
    if (cached) {
      return cached;
    }
    return fetch(request).then((response) => {
      if (keepable(response)) {
        const copy = response.clone();
        caches.open(STATIC_CACHE).then((cache) => cache.put(request, copy));
      }
      return response;
    });
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    if (PASS_THROUGH.some((prefix) => url.pathname.startsWith(prefix))) {
      return;
    }
    event.respondWith(fetch(request).catch(offlinePage));
    return;
  }
  if (url.pathname.startsWith(STATIC_URL)) {
    event.respondWith(fromCacheFirst(request));
  }
});

self.addEventListener("push", (event) => {
  let data = {};
  if (event.data) {
    try {
      data = event.data.json();
    } catch (error) {
      data = { body: event.data.text() };
    }
  }
  event.waitUntil(
    self.registration.showNotification(data.title || DEFAULT_TITLE, {
      body: data.body || "",
      icon: ICON,
      badge: ICON,
      tag: data.tag || undefined,
      lang: "zh-CN",
      data: { url: data.url || NOTICES_URL },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  let target = new URL((event.notification.data && event.notification.data.url) || NOTICES_URL, self.location.origin);
  if (target.origin !== self.location.origin) {
    target = new URL(NOTICES_URL, self.location.origin); // a payload never sends a member elsewhere
  }
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === target.href && "focus" in client) {
          return client.focus();
        }
      }
      return self.clients.openWindow(target.href);
    })
  );
});
