/* KITA AMAN service worker: /lapor/ opens with no signal after one visit, and
   reports kept on the device are sent when the signal returns. */
"use strict";
var CONFIG = {{ config|safe }};
importScripts(CONFIG.queueScript);

var CACHE = "kitaaman-" + CONFIG.version;

/* A copy is kept only of an answer meant for anyone: never one rendered for a
   signed-in user (an officer who opened /lapor/ on a shared phone: a logout
   button, the officer's CSRF token, no offline queue) nor one the server asked
   not to keep. */
function keepable(response) {
  if (!response || !response.ok || response.type !== "basic" || response.redirected) return false;
  if (response.headers.get(CONFIG.audienceHeader)) return false;
  var control = (response.headers.get("Cache-Control") || "").toLowerCase();
  return !/(^|[\s,])(no-store|private)(?![\w-])/.test(control);
}

function cacheCopy(request, response) {
  if (!keepable(response)) return Promise.resolve(false);
  var copy = response.clone();
  return caches.open(CACHE).then(function (cache) { return cache.put(request, copy); }).then(function () { return true; });
}

/* The form as an anonymous visitor gets it; nothing is kept while someone is signed in. */
function keepPage() {
  return fetch(new Request(CONFIG.page, { credentials: "same-origin", cache: "no-store" })).then(function (response) {
    return cacheCopy(new Request(CONFIG.page), response);
  });
}

function dropPages() {
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return new URL(key.url).pathname === CONFIG.page;
      }).map(function (key) { return cache["delete"](key); }));
    });
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE)
      .then(function (cache) { return cache.addAll(CONFIG.precache); })
      .then(keepPage)
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (keys) {
        return Promise.all(keys.filter(function (k) {
          return k.indexOf("kitaaman-") === 0 && k !== CACHE;
        }).map(function (k) { return caches.delete(k); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

/* Signing out on a shared phone: the page copies go, and once the session has
   ended a fresh anonymous copy of the form is kept for the next resident. The
   answer also carries Clear-Site-Data: "cache" for the browser's own cache. */
function signOut(event) {
  var finished;
  event.waitUntil(new Promise(function (resolve) { finished = resolve; }));
  var dropped = dropPages();
  var answer = fetch(event.request);
  answer.then(function () { return dropped; }).then(keepPage).catch(function () { /* offline: kept next visit */ }).then(finished);
  return answer;
}

/* The form: the network first (it is never stale), the device's copy when the
   network fails or keeps the resident waiting longer than CONFIG.pageTimeoutMs. */
function pageNetworkFirst(event) {
  var key = new Request(CONFIG.page);
  var fromNetwork = fetch(event.request).then(function (response) {
    if (response.ok) cacheCopy(key, response);
    return response;
  });
  event.waitUntil(fromNetwork.catch(function () { /* offline: the copy answers */ }));
  var cached = function () {
    return caches.match(key, { ignoreVary: true, ignoreSearch: true });
  };
  return new Promise(function (resolve) {
    var settled = false;
    function give(response) { if (!settled && response) { settled = true; resolve(response); } }
    var timer = setTimeout(function () { cached().then(give); }, CONFIG.pageTimeoutMs);
    fromNetwork.then(function (response) { clearTimeout(timer); give(response); }, function () {
      clearTimeout(timer);
      cached().then(function (response) { give(response || Response.error()); });
    });
  });
}

/* Scripts, styles and the map library: the device's copy at once, refreshed behind it. */
function staleWhileRevalidate(event) {
  var fromNetwork = fetch(event.request).then(function (response) {
    cacheCopy(event.request, response);
    return response;
  });
  event.waitUntil(fromNetwork.catch(function () { /* offline */ }));
  return caches.match(event.request).then(function (hit) { return hit || fromNetwork; });
}

function isAsset(path) {
  if (CONFIG.precache.indexOf(path) !== -1) return true;
  for (var i = 0; i < CONFIG.runtimePrefixes.length; i++) {
    if (path.indexOf(CONFIG.runtimePrefixes[i]) === 0) return true;
  }
  return false;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && request.mode === "navigate" && url.pathname === CONFIG.logout) {
    event.respondWith(signOut(event));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    if (url.pathname === CONFIG.page) event.respondWith(pageNetworkFirst(event));
    return;  // every other page goes to the network as if there were no worker
  }
  if (isAsset(url.pathname)) event.respondWith(staleWhileRevalidate(event));
});

/* Background Sync: a rejected promise makes the browser try again later. A report
   sent here, with no page open, is marked unseen: the next page the resident
   opens says it was delivered, with its code (laporan-saya.js). */
function deliverWaiting() {
  return self.KitaAmanAntrean.flush(self.KitaAmanAntrean.fetchSender(CONFIG.api)).then(function (result) {
    if (result.later) throw new Error("still waiting for the network");
    return result;
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag !== self.KitaAmanAntrean.SYNC_TAG) return;
  event.waitUntil(deliverWaiting());
});
