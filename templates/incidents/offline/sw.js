/* KITA AMAN service worker: /lapor/ opens with no signal after one visit, and
   reports kept on the device are sent when the signal returns. */
"use strict";
var CONFIG = {{ config|safe }};
importScripts(CONFIG.queueScript);

var CACHE = "kitaaman-" + CONFIG.version;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE)
      .then(function (cache) { return cache.addAll(CONFIG.precache.concat([CONFIG.page])); })
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

function cacheCopy(request, response) {
  if (!response || !response.ok || response.type !== "basic" || response.redirected) return;
  var copy = response.clone();
  caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
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
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (url.pathname === CONFIG.page) event.respondWith(pageNetworkFirst(event));
    return;  // every other page goes to the network as if there were no worker
  }
  if (isAsset(url.pathname)) event.respondWith(staleWhileRevalidate(event));
});

/* Background Sync: a rejected promise makes the browser try again later. */
self.addEventListener("sync", function (event) {
  if (event.tag !== self.KitaAmanAntrean.SYNC_TAG) return;
  event.waitUntil(
    self.KitaAmanAntrean.flush(self.KitaAmanAntrean.fetchSender(CONFIG.api)).then(function (result) {
      if (result.later) throw new Error("still waiting for the network");
    })
  );
});
