// trackboard serve: reload the page when a new build is published (served only by the dev server).
(function () {
  "use strict";
  // The server writes the build the page came from into the script's address (?v=N).
  var match = /[?&]v=(\d+)/.exec(document.currentScript ? document.currentScript.src : "");
  var seen = match ? Number(match[1]) : null;
  function poll() {
    fetch("/__trackboard/version", {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (seen !== null && data.version !== seen) {
          window.location.reload();
          return;
        }
        seen = data.version;
        window.setTimeout(poll, 250);
      })
      .catch(function () { window.setTimeout(poll, 1000); });  // the server restarts: try again
  }
  poll();
})();
