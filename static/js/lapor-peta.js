/* The report form's map, loaded (with Leaflet) only when the resident opens it.
   lapor.js owns the point; this file only shows it and turns taps into points. */
(function () {
  "use strict";
  window.kitaamanPetaLapor = function (el, cfg, api) {
    var L = window.L;
    var map = L.map(el, { minZoom: cfg.minZoom, maxZoom: cfg.maxZoom, zoomSnap: 0.25,
      maxBounds: cfg.bounds ? L.latLngBounds(cfg.bounds).pad(0.2) : undefined });
    map.attributionControl.setPrefix(cfg.prefix || "");
    L.tileLayer(cfg.tiles, { attribution: cfg.attribution, maxZoom: cfg.maxZoom }).addTo(map);

    /* Desa centroids as small dots: without tiles (weak or no signal) they still show where places are. */
    var layer = L.layerGroup();
    var places = api.places();
    for (var i = 0; i < places.desa.length; i++) {
      var opts = places.desa[i].querySelectorAll("option");
      for (var j = 0; j < opts.length; j++) {
        L.circleMarker([+opts[j].dataset.lat, +opts[j].dataset.lng], {
          radius: 3, weight: 1, color: "#5b6670", fillColor: "#fff", fillOpacity: 1, interactive: false
        }).addTo(layer);
      }
    }
    for (var k = 1; k < places.kecamatan.length; k++) {
      var ko = places.kecamatan[k];
      L.circleMarker([+ko.dataset.lat, +ko.dataset.lng], { radius: 0, opacity: 0, interactive: false })
        .bindTooltip(ko.textContent, { permanent: true, direction: "center", className: "kec-label" })
        .addTo(layer);
    }
    layer.addTo(map);

    var marker = null;
    function place(lat, lng, zoom) {
      if (!marker) {
        marker = L.marker([lat, lng], { draggable: true, keyboard: false }).addTo(map);
        marker.on("dragend", function () {
          var p = marker.getLatLng();
          var current = api.point();
          if (!api.setPoint(p.lat, p.lng) && current) marker.setLatLng(current);
        });
      } else {
        marker.setLatLng([lat, lng]);
      }
      if (zoom) map.setView([lat, lng], zoom);
    }
    function clear() {
      if (marker) { map.removeLayer(marker); marker = null; }
    }
    function focus(lat, lng, zoom) {
      if (!marker) map.setView([lat, lng], zoom, { animate: false });
    }
    map.on("click", function (e) { api.setPoint(e.latlng.lat, e.latlng.lng); });

    var point = api.point();
    var chosen = api.chosen();
    if (point) {
      place(point[0], point[1], 14);
    } else if (chosen) {
      map.setView([+chosen.dataset.lat, +chosen.dataset.lng], api.desaIsChosen() ? 13 : 11, { animate: false });
    } else if (api.box) {
      map.fitBounds(api.box, { animate: false });  // the whole kabupaten, snug on a narrow phone
    } else {
      map.setView(cfg.center, cfg.zoom);
    }
    return { place: place, clear: clear, focus: focus, map: map };
  };
})();
