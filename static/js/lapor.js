/* Report form (/lapor/): everything here is an enhancement; the form works without it. */
(function () {
  "use strict";
  var form = document.getElementById("form-lapor");
  if (!form) return;

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
  var kecSelect = document.getElementById("id_kecamatan");
  var desaSelect = document.getElementById("id_desa");
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
      if (opt && mapApi.map && !mapApi.marker) mapApi.map.setView([+opt.dataset.lat, +opt.dataset.lng], 11, { animate: false });
    });
    desaSelect.addEventListener("change", function () {
      var opt = selectedOption(desaSelect);
      if (!opt) return;
      if (!kecSelect.value) {
        kecSelect.value = opt.getAttribute("data-kecamatan");
        filterDesa();
        desaSelect.value = opt.value;
      }
      if (mapApi.map && !mapApi.marker) mapApi.map.setView([+opt.dataset.lat, +opt.dataset.lng], 13, { animate: false });
    });
    filterDesa();
  }

  /* Map pin, filled into the hidden lat/lng inputs. */
  var latInput = document.getElementById("id_lat");
  var lngInput = document.getElementById("id_lng");
  var status = document.getElementById("peta-status");
  var clearBtn = document.getElementById("hapus-titik");
  var locateBtn = document.getElementById("pakai-lokasi");
  var box = document.getElementById("peta-bbox");
  var mapApi = { map: null, marker: null };
  var T = {};
  var textNode = document.getElementById("lapor-teks");
  if (textNode) { try { T = JSON.parse(textNode.textContent); } catch (err) { T = {}; } }
  function say(text) { if (status) status.textContent = text; }
  function inside(lat, lng) {
    if (!box) return true;
    return lat >= +box.dataset.minLat && lat <= +box.dataset.maxLat && lng >= +box.dataset.minLng && lng <= +box.dataset.maxLng;
  }
  function setPoint(lat, lng, zoom) {
    if (!inside(lat, lng)) { say(T.outside); return false; }
    latInput.value = lat.toFixed(6);
    lngInput.value = lng.toFixed(6);
    if (mapApi.map) {
      if (!mapApi.marker) {
        mapApi.marker = window.L.marker([lat, lng], { draggable: true, keyboard: false }).addTo(mapApi.map);
        mapApi.marker.on("dragend", function () {
          var p = mapApi.marker.getLatLng();
          if (!setPoint(p.lat, p.lng)) mapApi.marker.setLatLng([+latInput.value, +lngInput.value]);
        });
      } else {
        mapApi.marker.setLatLng([lat, lng]);
      }
      if (zoom) mapApi.map.setView([lat, lng], zoom);
    }
    if (clearBtn) clearBtn.hidden = false;
    say(T.placed);
    return true;
  }
  function clearPoint() {
    latInput.value = "";
    lngInput.value = "";
    if (mapApi.marker) { mapApi.map.removeLayer(mapApi.marker); mapApi.marker = null; }
    if (clearBtn) clearBtn.hidden = true;
    say(T.cleared);
  }
  /* Desa centroids as small dots: without tiles (weak or no signal) they still show where places are. */
  function drawDesa(map) {
    if (!desaSelect || !window.L) return;
    var layer = window.L.layerGroup();
    for (var i = 0; i < allGroups.length; i++) {
      var opts = allGroups[i].querySelectorAll("option");
      for (var j = 0; j < opts.length; j++) {
        var o = opts[j];
        window.L.circleMarker([+o.dataset.lat, +o.dataset.lng], {
          radius: 3, weight: 1, color: "#5b6670", fillColor: "#fff", fillOpacity: 1, interactive: false
        }).addTo(layer);
      }
    }
    if (kecSelect) {
      for (var k = 1; k < kecSelect.options.length; k++) {
        var ko = kecSelect.options[k];
        window.L.circleMarker([+ko.dataset.lat, +ko.dataset.lng], { radius: 0, opacity: 0, interactive: false })
          .bindTooltip(ko.textContent, { permanent: true, direction: "center", className: "kec-label" })
          .addTo(layer);
      }
    }
    layer.addTo(map);
  }
  window.kitaamanLaporMap = function (map) {
    mapApi.map = map;
    drawDesa(map);
    map.on("click", function (e) { setPoint(e.latlng.lat, e.latlng.lng); });
    if (latInput && latInput.value && lngInput.value) {
      setPoint(parseFloat(latInput.value), parseFloat(lngInput.value), 14);
    } else {
      var opt = selectedOption(desaSelect) || selectedOption(kecSelect);
      if (opt) {
        map.setView([+opt.dataset.lat, +opt.dataset.lng], desaSelect && desaSelect.value ? 13 : 11, { animate: false });
      } else if (box) {
        map.options.zoomSnap = 0.25;  // fit the kabupaten snugly on a narrow phone
        map.fitBounds([[+box.dataset.minLat, +box.dataset.minLng], [+box.dataset.maxLat, +box.dataset.maxLng]], { animate: false });
      }
    }
  };
  if (clearBtn) clearBtn.addEventListener("click", clearPoint);
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

  /* Photos: tell about too many or too large files before a slow upload. */
  var photos = document.getElementById("id_photos");
  var photoStatus = document.getElementById("foto-status");
  function checkPhotos() {
    if (!photos || !photos.files) return true;
    var max = +photos.getAttribute("data-max-files") || 5;
    var maxBytes = (+photos.getAttribute("data-max-mb") || 10) * 1024 * 1024;
    var msg = "";
    if (photos.files.length > max) {
      msg = (T.tooMany || "").replace("%(n)s", max);
    } else {
      for (var i = 0; i < photos.files.length; i++) {
        if (photos.files[i].size > maxBytes) { msg = (T.tooLarge || "").replace("%(name)s", photos.files[i].name); break; }
      }
    }
    if (photoStatus) {
      photoStatus.textContent = msg || (photos.files.length ? (T.chosen || "").replace("%(n)s", photos.files.length) : "");
      photoStatus.classList.toggle("photo-error", !!msg);
    }
    return !msg;
  }
  if (photos) photos.addEventListener("change", checkPhotos);

  /* One tap sends once; the hidden client_uuid protects against the rest. */
  var sending = false;
  form.addEventListener("submit", function (e) {
    if (sending || !checkPhotos()) { e.preventDefault(); return; }
    sending = true;
    var btn = document.getElementById("kirim");
    if (btn) {
      btn.setAttribute("aria-disabled", "true");
      btn.classList.add("is-sending");
      btn.textContent = btn.getAttribute("data-sending") || btn.textContent;
    }
  });

  var summary = document.getElementById("ringkasan-galat");
  if (summary) {
    var firstError = form.querySelector(".has-error, .errorlist");
    if (firstError && firstError.scrollIntoView) firstError.scrollIntoView({ block: "center" });
  }
})();
