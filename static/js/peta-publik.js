/* Home page map: public reports from the public GeoJSON layer, drawn as circles (no icon images to fetch).
   Leaflet, its styles and the tiles load only when the visitor taps "Tampilkan peta". */
(function () {
  "use strict";
  var COLORS = { konflik: "#b42318", bencana: "#1d4ed8", kebakaran: "#c2410c", ketertiban: "#6d28d9" };
  var wrap = document.getElementById("peta-publik-wrap");
  var status = document.getElementById("peta-publik-status");
  function say(text) { if (status) status.textContent = text || ""; }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  // The layer names categories, statuses and desa once; each point carries indexes into those lists.
  // `t` counts days after the layer's `since` date (WIB).
  function day(since, t) {
    var parts = String(since).split("-").map(Number);
    var date = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2] + t));
    var lang = document.documentElement.lang || "id";
    try {
      return date.toLocaleDateString(lang, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
    } catch (e) { return date.toISOString().slice(0, 10); }
  }
  function popup(p, data) {
    var category = data.categories[p.k] || {}, state = data.statuses[p.s] || {}, desa = data.desa[p.d] || {};
    var html = "<strong>" + esc(category.name) + "</strong><br>" + esc(desa.name) + ", " + esc(desa.kecamatan) +
      "<br>" + esc(state.name) + " · " + esc(day(data.since, p.t));
    if (p.a) html += "<br><em>" + esc(wrap.getAttribute("data-approx")) + "</em>";
    return html;
  }
  function draw(group, data) {
    group.clearLayers();
    var features = (data && data.features) || [];
    if (!features.length) { say(wrap.getAttribute("data-empty")); return; }
    say(data.more ? wrap.getAttribute("data-more") : "");
    window.L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        var category = data.categories[feature.properties.k] || {};
        var color = COLORS[category.group] || "#37474f";
        return window.L.circleMarker(latlng, { radius: 7, color: "#fff", weight: 2, fillColor: color, fillOpacity: 0.9 });
      },
      onEachFeature: function (feature, layer) { layer.bindPopup(popup(feature.properties, data)); }
    }).addTo(group);
  }
  // Snapped outwards to a 0.05 degree grid: neighbours looking at the same
  // place ask for the same box, which the server has cached.
  function snappedBbox(map) {
    var b = map.getBounds(), step = 0.05;
    function down(v) { return (Math.floor(v / step) * step).toFixed(2); }
    function up(v) { return (Math.ceil(v / step) * step).toFixed(2); }
    return [down(b.getWest()), down(b.getSouth()), up(b.getEast()), up(b.getNorth())].join(",");
  }
  function load(url, group) {
    return window.fetch(url, { headers: { Accept: "application/geo+json, application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { draw(group, data); return data; });
  }
  function drawKecamatan(map) {
    var node = document.getElementById("peta-kecamatan");
    if (!node) return;
    var rows = [];
    try { rows = JSON.parse(node.textContent); } catch (e) { return; }
    // Place names sit under the report circles, never on top of them.
    var pane = map.createPane("kecamatan-labels");
    pane.style.zIndex = 350;
    pane.style.pointerEvents = "none";
    for (var i = 0; i < rows.length; i++) {
      window.L.circleMarker([rows[i].lat, rows[i].lng], { radius: 2, color: "#37474f", weight: 1, interactive: false, pane: "kecamatan-labels" })
        .bindTooltip(rows[i].name, { permanent: true, direction: "right", className: "kec-label", pane: "kecamatan-labels" })
        .addTo(map);
    }
  }
  function drawReports(map, cfg) {
    var b = (wrap.getAttribute("data-bbox") || "").split(",").map(Number);
    if (b.length === 4 && !isNaN(b[0])) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { animate: false });
    else map.setView(cfg.center, cfg.zoom, { animate: false });
    drawKecamatan(map);
    var url = wrap.getAttribute("data-geojson-url");
    if (!url || !window.fetch) { say(wrap.getAttribute("data-failed")); return; }
    var group = window.L.layerGroup().addTo(map);
    var failed = function () { say(wrap.getAttribute("data-failed")); };
    load(url, group).then(function (data) {
      // Only the newest reports fit in one answer: zoomed in, ask for those in view.
      if (!data.more) return;
      var timer = null, last = "";
      map.on("moveend", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          var bbox = snappedBbox(map);
          if (bbox === last) return;
          last = bbox;
          load(url + (url.indexOf("?") < 0 ? "?" : "&") + "bbox=" + bbox, group).catch(failed);
        }, 400);
      });
    }).catch(failed);
  }

  function config() {
    var node = document.getElementById("peta-publik-konfig");
    try { return node ? JSON.parse(node.textContent) : null; } catch (e) { return null; }
  }
  var button = document.getElementById("buka-peta-publik");
  function open() {
    var cfg = config();
    if (!cfg || !window.Promise) { say(wrap.getAttribute("data-failed")); return; }
    button.disabled = true;
    say(wrap.getAttribute("data-loading"));
    window.kitaamanMuatPeta(cfg).then(function () {
      var L = window.L;
      wrap.hidden = false;
      // zoomSnap: fit the kabupaten snugly on a narrow phone.
      var map = L.map("petapublik", { minZoom: cfg.minZoom, maxZoom: cfg.maxZoom, zoomSnap: 0.25,
        maxBounds: cfg.bounds ? L.latLngBounds(cfg.bounds).pad(0.2) : undefined });
      map.attributionControl.setPrefix(cfg.prefix || "");
      L.tileLayer(cfg.tiles, { attribution: cfg.attribution, maxZoom: cfg.maxZoom }).addTo(map);
      say("");
      button.hidden = true;
      button.setAttribute("aria-expanded", "true");
      document.getElementById("peta-publik-biaya").hidden = true;
      document.getElementById("peta-publik-legenda").hidden = false;
      drawReports(map, cfg);
    }, function () {
      button.disabled = false;
      say(wrap.getAttribute("data-failed"));
    });
  }
  if (wrap && button) button.addEventListener("click", open);
})();
