/* Leaflet's controls in the page's language: the zoom buttons' titles, which
   screen readers read out. Runs right after leaflet.js, before any map is made;
   the texts come from templates/incidents/_leaflet_language.html. */
(function () {
  "use strict";
  var L = window.L;
  var texts = document.getElementById("peta-bahasa");
  if (!L || !L.Control || !L.Control.Zoom || !texts) return;
  var zoom = L.Control.Zoom.prototype.options;
  zoom.zoomInTitle = texts.getAttribute("data-zoom-in") || zoom.zoomInTitle;
  zoom.zoomOutTitle = texts.getAttribute("data-zoom-out") || zoom.zoomOutTitle;
})();
