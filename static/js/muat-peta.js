/* Loads a map on request: the styles, then the scripts one after another (each may
   need the one before it, as the page's map script needs Leaflet). Used by the
   report form (lapor.js) and the home page map (peta-publik.js). */
(function () {
  "use strict";
  function loadStyle(href) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = reject;
      document.body.appendChild(s);
    });
  }
  /* cfg: {css: [...], js: [...]} as the page's map settings give them; resolves once every script has run. */
  window.kitaamanMuatPeta = function (cfg) {
    (cfg.css || []).forEach(loadStyle);
    return (cfg.js || []).reduce(function (chain, src) {
      return chain.then(function () { return loadScript(src); });
    }, Promise.resolve());
  };
})();
