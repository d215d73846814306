/* "Laporan saya": the tracking codes of reports sent from this device, kept on the
   device only (IndexedDB, see antrean.js), each with its current status. Also:
   - says, at the top of the screen, that a waiting report was delivered, with its
     code, wherever the resident is on the page; and on the next visit when it was
     delivered with no page open (Background Sync);
   - installs the service worker, so a resident who has been here once can open
     /lapor/ with no signal. */
(function () {
  "use strict";
  var Q = window.KitaAmanAntrean;
  var section = document.getElementById("laporan-saya");
  if (!Q || !section) return;
  var list = document.getElementById("laporan-saya-daftar");
  var lang = document.documentElement.lang || "id";
  var STATUS_FRESH_MS = 10 * 60 * 1000;  // the tracking API allows an address 120 lookups an hour
  var STATUS_MAX = 10;                    // the newest codes only

  function text(name, values) {
    return String(section.getAttribute("data-" + name) || "").replace(/%\((\w+)\)s/g, function (m, k) {
      return values && values[k] !== undefined ? values[k] : m;
    });
  }
  function when(ms) { return Q.formatTime(ms, lang); }
  function trackUrl(code) { return section.getAttribute("data-track-url").replace("KODE", encodeURIComponent(code)); }

  function render() {
    return Q.mine().then(function (rows) {
      list.textContent = "";
      rows.forEach(function (row) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = trackUrl(row.code);
        a.className = "tracking-code small";
        a.textContent = row.code;
        li.appendChild(a);
        if (row.statusLabel) {
          li.appendChild(document.createTextNode(" "));
          var badge = document.createElement("span");
          badge.className = "badge status-" + (row.status || "");
          badge.textContent = row.statusLabel;
          li.appendChild(badge);
        }
        li.appendChild(document.createTextNode(" "));
        var small = document.createElement("small");
        small.className = "muted";
        small.textContent = text("accepted", { time: when(row.at) });
        li.appendChild(small);
        list.appendChild(li);
      });
      section.hidden = rows.length === 0;
      return rows;
    }, function () { section.hidden = true; return []; });
  }

  /* Each code's status from the public tracking API, kept with the code for the next offline visit. */
  var checking = false;
  function checkStatuses(rows) {
    if (checking || navigator.onLine === false || !window.fetch) return Promise.resolve();
    var now = Date.now();
    var due = rows.slice(0, STATUS_MAX).filter(function (row) { return !row.checked || now - row.checked > STATUS_FRESH_MS; });
    if (!due.length) return Promise.resolve();
    checking = true;
    var url = section.getAttribute("data-status-url");
    var chain = Promise.resolve(true);
    due.forEach(function (row) {
      chain = chain.then(function (goOn) {
        if (!goOn) return false;
        return fetch(url.replace("KODE", encodeURIComponent(row.code)), {
          credentials: "omit",
          headers: { Accept: "application/json", "Accept-Language": lang }
        }).then(function (response) {
          if (response.status === 429) return false;  // the address's limit: try again later
          if (!response.ok) return true;
          return response.json().then(function (body) {
            return Q.note([row.code], { status: body.status, statusLabel: body.status_label, checked: Date.now() });
          }).then(function () { return true; });
        });
      });
    });
    return chain.then(render, function () { /* no signal: the kept statuses stay */ }).then(function () { checking = false; });
  }

  /* The confirmation at the top of the screen. */
  var banner = document.getElementById("kabar-terkirim");
  var bannerText = document.getElementById("kabar-terkirim-teks");
  var told = [];
  function typing() {
    var el = document.activeElement;
    return !!el && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) && el.type !== "submit" && el.type !== "button";
  }
  /* codes: just delivered; closed: delivered earlier with no page open. */
  function delivered(codes, closed) {
    codes = codes.filter(function (code) { return code && told.indexOf(code) === -1; });
    if (!codes.length || !banner) return Promise.resolve();
    told = told.concat(codes);
    bannerText.textContent = "";
    var parts = text(closed ? "sent-closed" : "sent", { code: "\u0000" }).split("\u0000");
    bannerText.appendChild(document.createTextNode(parts[0]));
    told.forEach(function (code, i) {
      if (i) bannerText.appendChild(document.createTextNode(", "));
      var a = document.createElement("a");
      a.href = trackUrl(code);
      a.className = "tracking-code";
      a.textContent = code;
      bannerText.appendChild(a);
    });
    bannerText.appendChild(document.createTextNode(parts[1] || ""));
    // At the very top of the page and sticky: in view wherever the resident is, covering nothing at the top.
    if (banner.parentNode !== document.body) document.body.insertBefore(banner, document.body.firstChild);
    banner.hidden = false;
    // Someone typing the next report keeps the cursor; anyone else is taken to the news.
    if (!typing()) banner.focus({ preventScroll: true });
    return Q.seen(codes);
  }
  if (banner) {
    document.getElementById("kabar-terkirim-tutup").addEventListener("click", function () {
      banner.hidden = true;
      told = [];
    });
  }

  /* The page after a report was sent shows its code: keep it (not after the honeypot's fake answer). */
  var done = document.querySelector("[data-simpan-kode]");
  var start = done ? Q.remember(done.getAttribute("data-simpan-kode"), true) : Promise.resolve();
  var ready = start.then(function () { return Q.unseen(); }, function () { return []; }).then(function (rows) {
    return delivered(rows.map(function (row) { return row.code; }), true);
  }).then(render, render).then(checkStatuses);
  Q.listen(function (message) {
    if (message.type === "sent" && !message.shown) delivered([message.code], false);
    render();
  });
  window.addEventListener("online", function () { Q.mine().then(checkStatuses); });
  window.kitaamanLaporanSaya = { refresh: render, ready: ready, delivered: delivered };

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(section.getAttribute("data-worker"), { scope: "/" }).catch(function () {
      /* without it the form still works online */
    });
  }
})();
