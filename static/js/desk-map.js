/* Desk map: the filtered queue from /petugas/peta/laporan.geojson, clustered
   (Leaflet.markercluster, served from static/vendor), one colour per status. */
(function () {
  "use strict";
  // Most urgent first: a cluster takes the colour of its most urgent report.
  var RANK = ["baru", "diverifikasi", "ditangani", "selesai", "ditolak", "duplikat"];
  var wrap = document.getElementById("desk-map-wrap");
  var status = document.getElementById("desk-map-status");

  function text(name) { return wrap.getAttribute("data-" + name) || ""; }
  function say(message) { if (status) status.textContent = message || ""; }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function rank(s) {
    var i = RANK.indexOf(s);
    return i < 0 ? RANK.length : i;
  }

  // The layer is compact (incidents/desk/queue_map.py): names in lookup
  // tables, short keys per feature. `report` expands one feature for a popup.
  var layer = null;
  var WIB = 7 * 3600;

  function two(n) { return (n < 10 ? "0" : "") + n; }
  function when(p) {
    var d = new Date((layer.t0 + p.t * 60 + WIB) * 1000);
    return d.getUTCDate() + " " + layer.months[d.getUTCMonth()] + " " + d.getUTCFullYear() + " " +
      two(d.getUTCHours()) + "." + two(d.getUTCMinutes()) + " WIB";
  }
  function statusOf(p) { return layer.statuses[p.s] || { code: "", name: "" }; }

  function popup(p) {
    var st = statusOf(p), cat = layer.categories[p.k] || {}, place = layer.desa[p.d] || {};
    var url = layer.url.replace("{}", p.i);
    var html = '<div class="desk-popup"><a class="code" href="' + esc(url) + '">' + esc(p.c) + "</a> " +
      '<span class="badge status-' + esc(st.code) + '">' + esc(st.name) + "</span>" +
      (p.r ? ' <span class="badge badge-request">' + esc(text("requested")) + "</span>" : "") +
      "<div><strong>" + esc(cat.name) + "</strong> · " + esc(layer.priorities[p.p] || "") + "</div>" +
      "<div>" + esc(p.m) + "</div>" +
      '<div class="small muted">' + esc(place.name) + ", " + esc(place.kecamatan) + " · " + esc(when(p)) + "</div>";
    if (p.a) html += '<div class="small muted"><em>' + esc(text("approx")) + "</em></div>";
    return html + '<a class="button button-small" href="' + esc(url) + '">' + esc(text("open")) + "</a></div>";
  }

  function pin(feature, latlng) {
    var p = feature.properties, st = statusOf(p);
    var marker = window.L.marker(latlng, {
      icon: window.L.divIcon({
        className: "desk-pin desk-pin-" + st.code + (p.r ? " desk-pin-request" : ""),
        iconSize: [20, 20],
        iconAnchor: [10, 10],
        popupAnchor: [0, -10]
      }),
      title: p.c + " · " + st.name,
      alt: p.c + " · " + st.name,
      keyboard: true,
      riseOnHover: true
    });
    marker.deskStatus = st.code;
    return marker;
  }

  function clusterIcon(cluster) {
    var best = RANK.length;
    cluster.getAllChildMarkers().forEach(function (m) { best = Math.min(best, rank(m.deskStatus)); });
    var worst = RANK[best] || "ditolak";
    var n = cluster.getChildCount();
    var size = n < 10 ? 34 : n < 100 ? 40 : 48;
    return window.L.divIcon({
      html: "<span>" + n + "</span>",
      className: "desk-cluster desk-cluster-" + worst,
      iconSize: [size, size]
    });
  }

  function draw(map, data) {
    layer = data;
    var features = (data && data.features) || [];
    if (!features.length) { say(text("empty")); return; }
    var group = window.L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 45,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: clusterIcon
    });
    var points = window.L.geoJSON(data, {
      pointToLayer: pin,
      // Popups are built when opened, not 2,000 at once.
      onEachFeature: function (feature, marker) {
        marker.bindPopup(function () { return popup(feature.properties); }, { maxWidth: 260 });
      }
    });
    // Frame the reports first, so the clusters are built once at the final zoom.
    map.fitBounds(points.getBounds(), { padding: [24, 24], maxZoom: 14, animate: false });
    group.addLayers(points.getLayers());
    map.addLayer(group);
    var message = features.length === 1 ? text("count-one") : text("count-many").replace("{n}", features.length.toLocaleString("id-ID"));
    if (data.truncated) message += " " + text("truncated");
    say(message);
  }

  window.kitaamanDeskMap = function (map) {
    if (!wrap) return;
    var b = (wrap.getAttribute("data-bbox") || "").split(",").map(Number);
    map.options.zoomSnap = 0.25;
    if (b.length === 4 && !isNaN(b[0])) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { animate: false });
    var url = wrap.getAttribute("data-geojson-url");
    if (!url || !window.fetch || !window.L.markerClusterGroup) { say(text("failed")); return; }
    say(text("loading"));
    window.fetch(url, { headers: { Accept: "application/geo+json, application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { draw(map, data); })
      .catch(function () { say(text("failed")); });
  };
})();
