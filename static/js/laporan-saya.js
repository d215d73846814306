/* "Laporan saya": the tracking codes of reports sent from this device, kept on the
   device only (IndexedDB, see antrean.js). Also installs the service worker, so a
   resident who has been here once can open /lapor/ with no signal. */
(function () {
  "use strict";
  var Q = window.KitaAmanAntrean;
  var section = document.getElementById("laporan-saya");
  if (!Q || !section) return;
  var list = document.getElementById("laporan-saya-daftar");
  var lang = document.documentElement.lang || "id";

  function when(ms) { return Q.formatTime(ms, lang); }

  function render() {
    return Q.mine().then(function (rows) {
      list.textContent = "";
      rows.forEach(function (row) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = section.getAttribute("data-track-url").replace("KODE", encodeURIComponent(row.code));
        a.className = "tracking-code small";
        a.textContent = row.code;
        var small = document.createElement("small");
        small.className = "muted";
        small.textContent = (section.getAttribute("data-accepted") || "%(time)s").replace("%(time)s", when(row.at));
        li.appendChild(a);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(small);
        list.appendChild(li);
      });
      section.hidden = rows.length === 0;
    }, function () { section.hidden = true; });
  }

  /* The page after a report was sent: keep its code (not after the honeypot's fake answer). */
  var done = document.querySelector("[data-simpan-kode]");
  var ready = done ? Q.remember(done.getAttribute("data-simpan-kode")).then(render, render) : render();
  Q.listen(render);
  window.kitaamanLaporanSaya = { refresh: render, ready: ready };

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(section.getAttribute("data-worker"), { scope: "/" }).catch(function () {
      /* without it the form still works online */
    });
  }
})();
