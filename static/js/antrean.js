/* Reports waiting on this device, and the codes of those already sent ("Laporan saya").
 *
 * Shared by the /lapor/ page and the service worker (importScripts), so either may
 * deliver a waiting report: when the page is open (the `online` event, the next
 * visit) or in the background (Background Sync). Each report carries its client_uuid
 * and the API answers a repeat of it with the first report, so a report that was
 * sent twice (a lost answer, a page closed mid-upload) still makes one row; a lock
 * keeps the page and the service worker from sending at the same moment.
 */
(function (root) {
  "use strict";
  var DB_NAME = "kitaaman";
  var DB_VERSION = 1;
  var WAITING = "antrean";      // reports not yet accepted, by client_uuid
  var MINE = "laporan_saya";    // tracking codes accepted from this device
  var LOCK = "kitaaman-antrean";
  var SYNC_TAG = "kitaaman-kirim-laporan";
  var CHANNEL = "kitaaman-antrean";
  var FETCH_TIMEOUT_MS = 120000;

  var STATE = { WAITING: "menunggu", SENDING: "mengirim", REFUSED: "ditolak" };

  function openDb() {
    return new Promise(function (resolve, reject) {
      if (!root.indexedDB) { reject(new Error("no-indexeddb")); return; }
      var req = root.indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = function () {
        var db = req.result;
        if (!db.objectStoreNames.contains(WAITING)) db.createObjectStore(WAITING, { keyPath: "id" });
        if (!db.objectStoreNames.contains(MINE)) db.createObjectStore(MINE, { keyPath: "code" });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  /* Run fn(store) in one transaction; resolves with fn's request result once committed. */
  function withStore(name, mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var req = fn(tx.objectStore(name));
        tx.oncomplete = function () { db.close(); resolve(req ? req.result : undefined); };
        tx.onabort = tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  /* "30 Nov 2026 14.05 WIB" in the page's language. */
  function formatTime(ms, lang) {
    try {
      return new Date(ms).toLocaleString(lang === "en" ? "en-GB" : "id-ID", {
        timeZone: "Asia/Jakarta", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit"
      }) + " WIB";
    } catch (e) { return new Date(ms).toISOString(); }
  }

  function byCreated(a, b) { return (a.created || 0) - (b.created || 0); }

  function waiting() {
    return withStore(WAITING, "readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return (rows || []).sort(byCreated);
    });
  }
  function put(record) { return withStore(WAITING, "readwrite", function (s) { return s.put(record); }); }
  function remove(id) { return withStore(WAITING, "readwrite", function (s) { return s["delete"](id); }); }
  /* Merge `changes` into the stored rows of `keys` in `name`; a key with no row is skipped. */
  function merge(name, keys, changes) {
    return withStore(name, "readwrite", function (s) {
      keys.forEach(function (key) {
        var req = s.get(key);
        req.onsuccess = function () {
          if (!req.result) return;
          var row = req.result;
          for (var k in changes) if (Object.prototype.hasOwnProperty.call(changes, k)) row[k] = changes[k];
          s.put(row);
        };
      });
      return null;
    });
  }
  function update(id, changes) { return merge(WAITING, [id], changes); }
  function mine() {
    return withStore(MINE, "readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return (rows || []).sort(function (a, b) { return (b.at || 0) - (a.at || 0); });
    });
  }
  /* `shown`: the caller shows the code itself (the page that sent it). A code sent
   * with no page to show it (Background Sync, the tab closed) stays `unseen` until
   * the resident's next visit says it was delivered (laporan-saya.js). */
  function remember(code, shown) {
    return withStore(MINE, "readwrite", function (s) {
      var req = s.get(code);
      // Keep the first time it was accepted: a repeat answer is the same report.
      req.onsuccess = function () { if (!req.result) s.put({ code: code, at: Date.now(), unseen: !shown }); };
      return null;
    });
  }
  /* Merge `changes` into the rows of `codes` ("Laporan saya"). */
  function note(codes, changes) { return merge(MINE, codes, changes); }
  function seen(codes) { return note(codes, { unseen: false }); }
  function unseen() {
    return mine().then(function (rows) { return rows.filter(function (row) { return row.unseen === true; }); });
  }

  /* Tell the open pages (and the worker) that the lists changed; {type: "sent", code} when a report went. */
  function announce(message) {
    if (typeof root.BroadcastChannel !== "function") return;
    try {
      var ch = new root.BroadcastChannel(CHANNEL);
      ch.postMessage(message || { type: "changed" });
      ch.close();
    } catch (e) { /* nothing to tell */ }
  }
  function listen(fn) {
    if (typeof root.BroadcastChannel !== "function") return;
    var ch = new root.BroadcastChannel(CHANNEL);
    ch.onmessage = function (event) { fn(event.data || {}); };
  }

  function formData(record) {
    var data = new FormData();
    var fields = record.fields || {};
    for (var name in fields) {
      if (Object.prototype.hasOwnProperty.call(fields, name) && fields[name] !== "" && fields[name] !== null) {
        data.append(name, fields[name]);
      }
    }
    (record.photos || []).forEach(function (p, i) { data.append("photos", p.blob, p.name || "foto-" + (i + 1) + ".jpg"); });
    return data;
  }

  /* Sender for the service worker (and a page without XHR): resolves {status, body}; rejects when the network fails. */
  function fetchSender(url) {
    return function (record) {
      var controller = typeof AbortController === "function" ? new AbortController() : null;
      var timer = controller ? setTimeout(function () { controller.abort(); }, FETCH_TIMEOUT_MS) : null;
      return fetch(url, {
        method: "POST",
        body: formData(record),
        credentials: "omit",
        // Refusals come back in the language the resident used the form in.
        headers: { Accept: "application/json", "Accept-Language": record.lang || "id" },
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        if (timer) clearTimeout(timer);
        return response.json().catch(function () { return {}; }).then(function (body) {
          return { status: response.status, body: body, retryAfter: +response.headers.get("Retry-After") || 0 };
        });
      }, function (err) { if (timer) clearTimeout(timer); throw err; });
    };
  }

  function errorMessage(body) {
    var err = body && body.error;
    if (!err) return "";
    var parts = [];
    var fields = err.fields || {};
    for (var k in fields) if (Object.prototype.hasOwnProperty.call(fields, k)) parts = parts.concat(fields[k]);
    return parts.length ? parts.join(" ") : (err.message || "");
  }

  /* Send one record and keep the books. Resolves with
   * {outcome: "sent"|"refused"|"later", code?, body?}; never rejects. `shown`: the
   * caller shows the code itself (the form that is sending it right now). */
  function deliver(record, send, shown) {
    return update(record.id, { state: STATE.SENDING }).then(function () {
      announce();
      return send(record);
    }).then(function (answer) {
      if (answer.status === 200 || answer.status === 201) {
        var code = answer.body && answer.body.tracking_code;
        return remember(code, shown).then(function () { return remove(record.id); }).then(function () {
          announce({ type: "sent", code: code, shown: !!shown });
          return { outcome: "sent", code: code, body: answer.body };
        });
      }
      if (answer.status === 400 || answer.status === 413 || answer.status === 415) {
        // The server will never take it as it is; the resident decides what to do.
        return update(record.id, { state: STATE.REFUSED, error: errorMessage(answer.body) }).then(function () {
          announce();
          return { outcome: "refused", body: answer.body, status: answer.status };
        });
      }
      var changes = { state: STATE.WAITING, attempts: (record.attempts || 0) + 1, error: "" };
      if (answer.status === 429) changes.notBefore = Date.now() + (answer.retryAfter || 600) * 1000;
      return update(record.id, changes).then(function () {
        announce();
        return { outcome: "later", status: answer.status };
      });
    }, function () {
      return update(record.id, { state: STATE.WAITING, attempts: (record.attempts || 0) + 1 }).then(function () {
        announce();
        return { outcome: "later", status: 0 };
      });
    });
  }

  function locked(fn) {
    var locks = root.navigator && root.navigator.locks;
    if (locks && typeof locks.request === "function") return locks.request(LOCK, fn);
    return fn();
  }

  /* Send every waiting report (oldest first) under the lock. Resolves with
   * {sent: [codes], later: n}: `later` counts reports still waiting for the network. */
  function flush(send) {
    return locked(function () {
      return waiting().then(function (rows) {
        var result = { sent: [], later: 0 };
        var now = Date.now();
        var chain = Promise.resolve();
        rows.forEach(function (row) {
          if (row.state === STATE.REFUSED) return;
          if (row.notBefore && row.notBefore > now) { result.later++; return; }
          chain = chain.then(function () {
            return deliver(row, send).then(function (r) {
              if (r.outcome === "sent") result.sent.push(r.code);
              else if (r.outcome === "later") result.later++;
            });
          });
        });
        return chain.then(function () { return result; });
      });
    });
  }

  root.KitaAmanAntrean = {
    STATE: STATE,
    SYNC_TAG: SYNC_TAG,
    waiting: waiting,
    put: put,
    remove: remove,
    update: update,
    mine: mine,
    remember: remember,
    note: note,
    seen: seen,
    unseen: unseen,
    announce: announce,
    listen: listen,
    formData: formData,
    fetchSender: fetchSender,
    deliver: deliver,
    locked: locked,
    flush: flush,
    formatTime: formatTime
  };
})(self);
