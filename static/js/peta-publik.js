/* Home page map: public reports from the public GeoJSON layer, drawn as circles (no icon images to fetch). */
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
  function popup(p) {
    var html = "<strong>" + esc(p.category_name) + "</strong><br>" + esc(p.desa) + ", " + esc(p.kecamatan) +
      "<br>" + esc(p.status_label) + " · " + esc(p.date);
    if (p.approximate) html += "<br><em>" + esc(wrap.getAttribute("data-approx")) + "</em>";
    return html;
  }
  function draw(map, data) {
    var features = (data && data.features) || [];
    if (!features.length) { say(wrap.getAttribute("data-empty")); return; }
    window.L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        var color = COLORS[feature.properties.group] || "#37474f";
        return window.L.circleMarker(latlng, { radius: 7, color: "#fff", weight: 2, fillColor: color, fillOpacity: 0.9 });
      },
      onEachFeature: function (feature, layer) { layer.bindPopup(popup(feature.properties)); }
    }).addTo(map);
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
  window.kitaamanPetaPublik = function (map) {
    if (!wrap) return;
    var b = (wrap.getAttribute("data-bbox") || "").split(",").map(Number);
    map.options.zoomSnap = 0.25;  // fit the kabupaten snugly on a narrow phone
    if (b.length === 4 && !isNaN(b[0])) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { animate: false });
    drawKecamatan(map);
    var url = wrap.getAttribute("data-geojson-url");
    if (!url || !window.fetch) { say(wrap.getAttribute("data-failed")); return; }
    window.fetch(url, { headers: { Accept: "application/geo+json, application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { draw(map, data); })
      .catch(function () { say(wrap.getAttribute("data-failed")); });
  };
})();
