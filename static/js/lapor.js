/* Report form (/lapor/): everything here is an enhancement; the form works without it.
 *
 * With JavaScript the report goes to the public API (POST /api/v1/reports/) with its
 * photos scaled down and a progress bar; without a signal, or when sending fails, it
 * is kept on the device (antrean.js) and sent when the signal returns. */
(function () {
  "use strict";
  var form = document.getElementById("form-lapor");
  if (!form) return;
  var Q = window.KitaAmanAntrean;

  function readJson(id) {
    var node = document.getElementById(id);
    if (!node) return {};
    try { return JSON.parse(node.textContent); } catch (err) { return {}; }
  }
  var T = readJson("lapor-teks");
  var CONFIG = readJson("lapor-konfig");
  function fmt(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, function (m, k) {
      return values[k] !== undefined ? values[k] : m;
    }).replace(/%%/g, "%");
  }
  function byId(id) { return document.getElementById(id); }

  /* Extra questions: show only the chosen category's fieldset. */
  var qsets = form.querySelectorAll(".qset");
  var chooseHint = form.querySelector(".qset-choose");
  var intro = form.querySelector(".qset-intro");
  function chosenCategory() {
    var checked = form.querySelector("input[name=category]:checked");
    return checked ? checked.value : "";
  }
  function showQuestions() {
    var code = chosenCategory();
    var shown = false;
    for (var i = 0; i < qsets.length; i++) {
      var match = qsets[i].getAttribute("data-category") === code;
      qsets[i].hidden = !match;
      qsets[i].style.display = match ? "block" : "none";
      shown = shown || match;
    }
    if (chooseHint) {
      chooseHint.hidden = !!code;
      chooseHint.style.display = code ? "none" : "block";
    }
    if (intro) intro.hidden = !shown;
  }
  form.addEventListener("change", function (e) {
    if (e.target && e.target.name === "category") showQuestions();
  });
  showQuestions();

  /* Kecamatan then desa: the desa list shrinks to the chosen kecamatan. */
  var kecSelect = byId("id_kecamatan");
  var desaSelect = byId("id_desa");
  var allGroups = [];
  if (desaSelect) {
    var groups = desaSelect.querySelectorAll("optgroup");
    for (var g = 0; g < groups.length; g++) allGroups.push(groups[g].cloneNode(true));
  }
  function filterDesa() {
    if (!kecSelect || !desaSelect) return;
    var kec = kecSelect.value;
    var current = desaSelect.value;
    var placeholder = desaSelect.options[0].cloneNode(true);
    desaSelect.innerHTML = "";
    desaSelect.appendChild(placeholder);
    for (var i = 0; i < allGroups.length; i++) {
      if (!kec || allGroups[i].getAttribute("data-kecamatan") === kec) desaSelect.appendChild(allGroups[i].cloneNode(true));
    }
    desaSelect.value = current;
    if (desaSelect.value !== current) desaSelect.value = "";
  }
  function selectedOption(select) {
    return select && select.selectedIndex > 0 ? select.options[select.selectedIndex] : null;
  }
  if (kecSelect && desaSelect) {
    kecSelect.addEventListener("change", function () {
      filterDesa();
      var opt = selectedOption(kecSelect);
      if (opt && map) map.focus(+opt.dataset.lat, +opt.dataset.lng, 11);
    });
    desaSelect.addEventListener("change", function () {
      var opt = selectedOption(desaSelect);
      if (!opt) return;
      if (!kecSelect.value) {
        kecSelect.value = opt.getAttribute("data-kecamatan");
        filterDesa();
        desaSelect.value = opt.value;
      }
      if (map) map.focus(+opt.dataset.lat, +opt.dataset.lng, 13);
    });
    filterDesa();
  }

  /* A point, in the hidden lat/lng inputs: from the phone's location or from the map. */
  var latInput = byId("id_lat");
  var lngInput = byId("id_lng");
  var status = byId("peta-status");
  var clearBtn = byId("hapus-titik");
  var locateBtn = byId("pakai-lokasi");
  var openMapBtn = byId("buka-peta");
  var mapBox = byId("peta");
  var box = byId("peta-bbox");
  var map = null;  // set by lapor-peta.js once the resident opens the map
  function say(text) { if (status) status.textContent = text || ""; }
  function inside(lat, lng) {
    if (!box) return true;
    return lat >= +box.dataset.minLat && lat <= +box.dataset.maxLat && lng >= +box.dataset.minLng && lng <= +box.dataset.maxLng;
  }
  function setPoint(lat, lng, zoom) {
    if (!inside(lat, lng)) { say(T.outside); return false; }
    latInput.value = lat.toFixed(6);
    lngInput.value = lng.toFixed(6);
    if (map) map.place(lat, lng, zoom);
    if (clearBtn) clearBtn.hidden = false;
    say(T.placed);
    return true;
  }
  function clearPoint(quiet) {
    latInput.value = "";
    lngInput.value = "";
    if (map) map.clear();
    if (clearBtn) clearBtn.hidden = true;
    if (!quiet) say(T.cleared);
  }
  function point() {
    return latInput && latInput.value && lngInput.value ? [parseFloat(latInput.value), parseFloat(lngInput.value)] : null;
  }
  if (clearBtn) clearBtn.addEventListener("click", function () { clearPoint(false); });
  if (locateBtn) {
    locateBtn.addEventListener("click", function () {
      if (!navigator.geolocation) { say(T.noGeo); return; }
      say(T.locating);
      locateBtn.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          locateBtn.disabled = false;
          setPoint(pos.coords.latitude, pos.coords.longitude, 15);
        },
        function () { locateBtn.disabled = false; say(T.denied); },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
      );
    });
  }

  /* The map loads only on request: Leaflet weighs more than the whole form. */
  function openMap() {
    var cfg = CONFIG.map || {};
    openMapBtn.disabled = true;
    say(T.mapLoading);
    window.kitaamanMuatPeta(cfg).then(function () {
      mapBox.hidden = false;
      map = window.kitaamanPetaLapor(mapBox, cfg, {
        setPoint: setPoint,
        point: point,
        box: box ? [[+box.dataset.minLat, +box.dataset.minLng], [+box.dataset.maxLat, +box.dataset.maxLng]] : null,
        chosen: function () { return selectedOption(desaSelect) || selectedOption(kecSelect); },
        desaIsChosen: function () { return !!(desaSelect && desaSelect.value); },
        places: function () { return { desa: allGroups, kecamatan: kecSelect ? kecSelect.options : [] }; }
      });
      openMapBtn.hidden = true;
      openMapBtn.setAttribute("aria-expanded", "true");
      var cost = form.querySelector(".map-cost");
      if (cost) cost.hidden = true;
      say("");
    }, function () {
      openMapBtn.disabled = false;
      say(T.mapFailed);
    });
  }
  if (openMapBtn && mapBox) openMapBtn.addEventListener("click", openMap);

  /* Photos: at most MAX_PHOTOS; scaled down here before they travel. */
  var photos = byId("id_photos");
  var photoStatus = byId("foto-status");
  var maxFiles = photos ? +photos.getAttribute("data-max-files") || 5 : 5;
  var maxBytes = (photos ? +photos.getAttribute("data-max-mb") || 10 : 10) * 1024 * 1024;
  var maxSide = CONFIG.photoMaxSide || 1600;
  function checkPhotos() {
    if (!photos || !photos.files) return true;
    var msg = "";
    if (photos.files.length > maxFiles) msg = fmt(T.tooMany, { n: maxFiles });
    if (photoStatus) {
      photoStatus.textContent = msg || (photos.files.length ? fmt(T.chosen, { n: photos.files.length }) : "");
      photoStatus.classList.toggle("photo-error", !!msg);
    }
    return !msg;
  }
  if (photos) photos.addEventListener("change", checkPhotos);

  function scalePhoto(file) {
    return new Promise(function (resolve) {
      if (!/^image\//.test(file.type) || !window.URL || !document.createElement("canvas").toBlob) { resolve(file); return; }
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        URL.revokeObjectURL(url);
        var w = img.naturalWidth, h = img.naturalHeight, side = Math.max(w, h);
        if (!side || (side <= maxSide && file.type === "image/jpeg")) { resolve(file); return; }
        var scale = Math.min(1, maxSide / side);
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(w * scale));
        canvas.height = Math.max(1, Math.round(h * scale));
        var ctx = canvas.getContext("2d");
        ctx.fillStyle = "#fff";  // a transparent PNG becomes white, as the server would make it
        ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          // Only re-encoded (not shrunk): keep whichever is smaller.
          resolve(blob && (scale < 1 || blob.size < file.size) ? blob : file);
        }, "image/jpeg", 0.82);
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(file); };  // the server will judge it
      img.src = url;
    });
  }

  /* Errors next to their fields, and a list at the top, as the server shows them. */
  var summary = byId("galat-klien");
  var anchors = { category: "langkah-kategori", consent: "langkah-persetujuan", lat: "field-peta", lng: "field-peta" };
  function fieldBox(key) {
    if (key.indexOf("details.") === 0) return byId("field-d_" + chosenCategory() + "_" + key.slice(8));
    return byId(anchors[key] || "field-" + key);
  }
  function clearErrors() {
    var old = form.querySelectorAll(".js-error");
    for (var i = 0; i < old.length; i++) old[i].parentNode.removeChild(old[i]);
    var marked = form.querySelectorAll(".js-has-error");
    for (var j = 0; j < marked.length; j++) marked[j].classList.remove("has-error", "js-has-error");
    if (summary) { summary.hidden = true; summary.textContent = ""; }
  }
  function showErrors(errors) {
    if (!summary) return;
    summary.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = T.notSent;
    summary.appendChild(strong);
    summary.appendChild(document.createTextNode(" " + T.checkMarked));
    var ul = document.createElement("ul");
    errors.forEach(function (err) {
      var li = document.createElement("li");
      var target = err.box;
      if (target) {
        if (!target.classList.contains("has-error")) target.classList.add("has-error", "js-has-error");
        var list = document.createElement("ul");
        list.className = "errorlist js-error";
        var item = document.createElement("li");
        item.textContent = err.message;
        list.appendChild(item);
        var label = target.querySelector("label, .label, legend");
        if (label && label.parentNode === target) label.parentNode.insertBefore(list, label.nextSibling);
        else target.insertBefore(list, target.firstChild);
        var a = document.createElement("a");
        a.href = "#" + target.id;
        a.textContent = err.message;
        li.appendChild(a);
      } else {
        li.textContent = err.message;
      }
      ul.appendChild(li);
    });
    summary.appendChild(ul);
    summary.hidden = false;
    summary.focus();
    if (summary.scrollIntoView) summary.scrollIntoView({ block: "start" });
  }
  function answered(boxEl) {
    var inputs = boxEl.querySelectorAll("input, select, textarea");
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if (el.type === "radio" || el.type === "checkbox") { if (el.checked) return true; }
      else if (String(el.value || "").trim()) return true;
    }
    return false;
  }
  var PHONE_RE = /^\+?[0-9][0-9 \-]{6,18}[0-9]$/;
  /* What the server would refuse that the browser can see; the server stays the authority. */
  function browserErrors() {
    var errors = [];
    var code = chosenCategory();
    var qset = code && byId("qset-" + code);
    if (qset) {
      var required = qset.querySelectorAll(".field[data-required]");
      for (var i = 0; i < required.length; i++) {
        if (!answered(required[i])) errors.push({ box: required[i], message: fmt(T.required, { label: required[i].getAttribute("data-label") }) });
      }
    }
    if (desaSelect && !desaSelect.value && !point()) errors.push({ box: byId("field-desa"), message: T.needPlace });
    var phone = byId("id_reporter_phone");
    if (phone && phone.value.trim() && !PHONE_RE.test(phone.value.trim())) {
      errors.push({ box: byId("field-reporter_phone"), message: T.badPhone });
    }
    return errors;
  }
  function serverErrors(body) {
    var fields = (body && body.error && body.error.fields) || {};
    var errors = [];
    for (var key in fields) {
      if (!Object.prototype.hasOwnProperty.call(fields, key)) continue;
      if (key === "details" && Object.keys(fields).some(function (k) { return k.indexOf("details.") === 0; })) continue;
      var boxEl = fieldBox(key);
      fields[key].forEach(function (message) { errors.push({ box: boxEl, message: message }); });
    }
    if (!errors.length) errors.push({ box: null, message: (body && body.error && body.error.message) || T.failed });
    return errors;
  }

  /* The report as the API takes it. */
  var uuidInput = form.querySelector("input[name=client_uuid]");
  function newUuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function details() {
    var code = chosenCategory();
    var prefix = "d_" + code + "_";
    var out = {};
    var els = form.querySelectorAll("[name^='" + prefix + "']");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) continue;
      var value = String(el.value || "").trim();
      if (value) out[el.name.slice(prefix.length)] = value;
    }
    return out;
  }
  function fields() {
    var out = { category: chosenCategory(), client_uuid: uuidInput ? uuidInput.value : newUuid(), details: JSON.stringify(details()) };
    ["description", "title", "occurred_at", "kecamatan", "desa", "lat", "lng", "location_detail",
     "reporter_name", "reporter_phone", "reporter_email", "website"].forEach(function (name) {
      var el = form.elements[name];
      if (el && el.value !== undefined) out[name] = String(el.value).trim();
    });
    ["anonymous", "confidential", "consent"].forEach(function (name) {
      var el = form.elements[name];
      out[name] = el && el.checked ? "true" : "false";
    });
    return out;
  }
  function summaryOf() {
    var code = chosenCategory();
    var label = code && form.querySelector("label[for='cat-" + code + "'] strong");
    var desa = selectedOption(desaSelect);
    return { category: label ? label.textContent : code, place: desa ? desa.textContent : "" };
  }
  function buildRecord() {
    var files = photos && photos.files ? Array.prototype.slice.call(photos.files) : [];
    if (files.length) progress(null, T.preparing);
    return Promise.all(files.map(scalePhoto)).then(function (blobs) {
      for (var i = 0; i < blobs.length; i++) {
        if (blobs[i].size > maxBytes) throw { box: byId("field-photos"), message: fmt(T.tooLarge, { name: files[i].name }) };
      }
      var data = fields();
      return {
        id: data.client_uuid,
        fields: data,
        photos: blobs.map(function (blob, i) { return { blob: blob, name: "foto-" + (i + 1) + (blob.type === "image/png" ? ".png" : blob.type === "image/webp" ? ".webp" : ".jpg") }; }),
        created: Date.now(),
        state: Q.STATE.WAITING,
        attempts: 0,
        lang: lang,
        summary: summaryOf()
      };
    });
  }

  /* Sending with a progress bar; a stalled upload counts as a failure (the report stays on the device). */
  var bar = byId("kirim-bar");
  var barBox = byId("kirim-progres");
  var barText = byId("kirim-teks");
  var submitBtn = byId("kirim");
  var STALL_MS = 30000;
  function progress(pct, text) {
    if (!barBox) return;
    barBox.hidden = false;
    if (pct === null) bar.removeAttribute("value"); else bar.value = pct;
    barText.textContent = text;
  }
  var submitText = submitBtn ? submitBtn.textContent : "";
  function busy(on) {
    if (submitBtn) {
      submitBtn.classList.toggle("is-sending", on);
      if (on) submitBtn.setAttribute("aria-disabled", "true"); else submitBtn.removeAttribute("aria-disabled");
      submitBtn.textContent = on ? submitBtn.getAttribute("data-sending") || submitText : submitText;
    }
    if (!on && barBox) barBox.hidden = true;
  }
  function xhrSender(record) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      var timer = null;
      function stall() { clearTimeout(timer); timer = setTimeout(function () { xhr.abort(); }, STALL_MS); }
      xhr.open("POST", CONFIG.api);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("Accept-Language", record.lang || "id");
      xhr.upload.onprogress = function (e) {
        stall();
        if (e.lengthComputable) {
          var pct = Math.round((e.loaded / e.total) * 100);
          progress(pct, fmt(T.sending, { pct: pct }));
        } else {
          progress(null, T.sendingNoPct);
        }
      };
      xhr.upload.onload = function () { stall(); progress(100, T.waitingAnswer); };
      xhr.onload = function () {
        clearTimeout(timer);
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
        resolve({ status: xhr.status, body: body, retryAfter: +xhr.getResponseHeader("Retry-After") || 0 });
      };
      xhr.onerror = xhr.onabort = function () { clearTimeout(timer); reject(new Error("network")); };
      stall();
      progress(0, fmt(T.sending, { pct: 0 }));
      xhr.send(Q.formData(record));
    });
  }

  /* Waiting reports and the news about them. */
  var panel = byId("antrean");
  var panelList = byId("antrean-daftar");
  var news = byId("kabar-kirim");
  var signal = byId("status-sinyal");
  var lang = document.documentElement.lang || "id";
  function when(ms) { return Q.formatTime(ms, lang); }
  function tell(text, kind) {
    if (!news) return;
    news.textContent = text;
    news.className = "msg" + (kind ? " msg-" + kind : "");
    news.hidden = !text;
  }
  function stateText(row) {
    if (row.state === Q.STATE.SENDING) return T.stateSending;
    if (row.state === Q.STATE.REFUSED) return fmt(T.stateRefused, { error: row.error || "" });
    if (row.notBefore && row.notBefore > Date.now()) return fmt(T.stateLater, { time: when(row.notBefore) });
    return T.stateWaiting;
  }
  function renderWaiting() {
    if (!Q || !panel) return Promise.resolve();
    return Q.waiting().then(function (rows) {
      panelList.textContent = "";
      rows.forEach(function (row) {
        var li = document.createElement("li");
        li.className = "antrean-item state-" + row.state;
        li.setAttribute("data-id", row.id);
        var title = document.createElement("strong");
        title.textContent = [row.summary && row.summary.category, row.summary && row.summary.place].filter(Boolean).join(" · ");
        var meta = document.createElement("span");
        meta.className = "antrean-meta";
        meta.textContent = when(row.created) + ((row.photos || []).length ? " · " + fmt(T.photos, { n: row.photos.length }) : "");
        var badge = document.createElement("span");
        badge.className = "badge antrean-state";
        badge.textContent = stateText(row);
        li.appendChild(title);
        li.appendChild(meta);
        li.appendChild(badge);
        if (row.state !== Q.STATE.SENDING) {
          var del = document.createElement("button");
          del.type = "button";
          del.className = "button-small antrean-hapus";
          del.textContent = T.remove;
          del.addEventListener("click", function () {
            if (window.confirm(T.removeConfirm)) Q.remove(row.id).then(refresh);
          });
          li.appendChild(del);
        }
        panelList.appendChild(li);
      });
      panel.hidden = rows.length === 0;
    }, function () { panel.hidden = true; });
  }
  function refresh() {
    var mine = window.kitaamanLaporanSaya;
    return Promise.all([renderWaiting(), mine ? mine.refresh() : null]);
  }
  var sendNow = byId("kirim-sekarang");
  function showSignal() {
    var off = navigator.onLine === false;
    if (sendNow) sendNow.disabled = off;
    if (!signal) return;
    signal.hidden = !off;
    signal.textContent = off ? T.offline : "";
  }
  function askForSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.sync && reg.sync.register) return reg.sync.register(Q.SYNC_TAG);
    }).catch(function () { /* the online event and the next visit still send it */ });
  }
  /* The confirmation itself is laporan-saya.js's banner at the top of the screen
     (it also hears deliveries made by the service worker). */
  function showDelivered(codes) {
    var mine = window.kitaamanLaporanSaya;
    if (mine) mine.delivered(codes, false);
  }
  var flushing = null;
  function flushNow() {
    if (!Q || navigator.onLine === false || flushing) return flushing;
    flushing = Q.flush(Q.fetchSender(CONFIG.api)).then(function (result) {
      flushing = null;
      if (result.sent.length) showDelivered(result.sent);
      return refresh();
    }, function () { flushing = null; return refresh(); });
    return flushing;
  }
  function resetForm() {
    form.reset();
    if (uuidInput) uuidInput.value = newUuid();
    clearPoint(true);
    filterDesa();
    showQuestions();
    checkPhotos();
  }
  function kept(afterFailure) {
    askForSync();
    resetForm();
    tell(afterFailure ? T.queuedAfterFailure : T.queued, "warning");
    return refresh().then(function () {
      if (news && news.scrollIntoView) news.scrollIntoView({ block: "start" });
      if (news) news.focus();
    });
  }

  var offline = !!(Q && form.getAttribute("data-offline") === "1" && window.FormData && window.XMLHttpRequest && window.Promise);
  var sending = false;
  form.addEventListener("submit", function (e) {
    if (sending) { e.preventDefault(); return; }
    clearErrors();
    if (!checkPhotos()) { e.preventDefault(); return; }
    var errors = browserErrors();
    if (errors.length) { e.preventDefault(); showErrors(errors); return; }
    sending = true;
    busy(true);
    // Without the queue: the plain form post; the hidden client_uuid protects against a double tap.
    if (!offline) return;
    e.preventDefault();
    buildRecord().then(function (record) {
      return Q.put(record).then(function () { return record; }, function () {
        // No storage on this device (private mode?): send the plain form instead.
        offline = false;
        form.submit();
        return null;
      });
    }).then(function (record) {
      if (!record) return null;
      if (navigator.onLine === false) return kept();
      // This page shows the code itself (the confirmation page), so no banner for it.
      return Q.locked(function () { return Q.deliver(record, xhrSender, true); }).then(function (result) {
        if (result.outcome === "sent") {
          window.location.assign(CONFIG.doneUrl.replace("KODE", encodeURIComponent(result.code)));
          return null;
        }
        if (result.outcome === "refused") {
          // The resident is still here to correct it: nothing stays in the queue.
          return Q.remove(record.id).then(function () {
            showErrors(serverErrors(result.body));
            return refresh();
          });
        }
        return kept(true);
      });
    }).catch(function (err) {
      if (err && err.message && err.box !== undefined) showErrors([err]);
      else tell(T.failed, "error");
    }).then(function () {
      sending = false;
      busy(false);
    });
  });

  if (offline) {
    // A reload (often with no signal) opens at the top, where the news of a
    // delivery appears, not mid-form where the resident last was.
    if ("scrollRestoration" in history) history.scrollRestoration = "manual";
    if (uuidInput) uuidInput.value = newUuid();  // a page from the device's copy must not reuse an old one
    showSignal();
    window.addEventListener("online", function () { showSignal(); flushNow(); });
    window.addEventListener("offline", showSignal);
    // The service worker may deliver in the background (Background Sync): the list follows;
    // the news of a delivery is laporan-saya.js's banner.
    Q.listen(function (message) {
      renderWaiting().then(function () {
        // "Kept on this device" is no longer true once nothing waits.
        if (message.type === "sent" && panel && panel.hidden && news && /msg-warning/.test(news.className)) tell("");
      });
    });
    if (sendNow) sendNow.addEventListener("click", flushNow);
    renderWaiting().then(flushNow);
  }

  var serverSummary = byId("ringkasan-galat");
  if (serverSummary) {
    var firstError = form.querySelector(".has-error, .errorlist");
    if (firstError && firstError.scrollIntoView) firstError.scrollIntoView({ block: "center" });
  }
})();
