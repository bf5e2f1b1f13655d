/* Trackboard wall screen: rotate the slides, keep the clock, reload when a new build is published.
   Built to run for weeks: one timer per job, no nodes added per rotation, a periodic full reload. */
(function () {
  "use strict";
  var body = document.body;
  var params = new URLSearchParams(location.search);
  // ?seconds= lets a test or a demo rotate faster than the configured pace.
  var seconds = parseFloat(params.get("seconds")) || parseFloat(body.dataset.seconds) || 15;
  var slideMs = Math.max(0.05, seconds) * 1000;
  var refreshMs = Math.max(0.5, parseFloat(params.get("refresh")) || parseFloat(body.dataset.refresh) || 60) * 1000;
  var safetyMs = 6 * 3600 * 1000; // a full reload every six hours, whatever happens
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide:not(.slide-celebrate)"));
  var dots = Array.prototype.slice.call(document.querySelectorAll(".dot"));
  var celebrate = document.querySelector(".slide-celebrate");
  var clock = document.getElementById("clock");
  var current = 0;
  var rotations = 0;
  var knownBuild = null;

  function show(index, element) {
    for (var i = 0; i < slides.length; i++) {
      slides[i].classList.toggle("active", slides[i] === element);
      if (dots[i]) { dots[i].classList.toggle("active", i === index); }
    }
    celebrate.classList.toggle("active", celebrate === element);
  }

  function advance() {
    if (slides.length > 1) {
      current = (current + 1) % slides.length;
      show(current, slides[current]);
    }
    rotations += 1;
    window.setTimeout(advance, slideMs);
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var now = new Date();
    clock.textContent = pad(now.getHours()) + ":" + pad(now.getMinutes()) + ":" + pad(now.getSeconds());
    window.setTimeout(tick, 1000 - now.getMilliseconds());
  }

  function reload() { location.reload(); }

  function poll() {
    fetch(body.dataset.build, { cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (info) {
        if (!info) { return; }
        if (knownBuild === null) { knownBuild = info.build_id; }
        if (info.as_of !== body.dataset.asOf || info.build_id !== knownBuild) { reload(); }
      })
      .catch(function () { /* the server is briefly away: keep showing what we have, try again later */ })
      .then(function () { window.setTimeout(poll, refreshMs); });
  }

  function storedKeys() {
    try { return JSON.parse(window.localStorage.getItem("trackboard.battle.seen") || "null"); }
    catch (e) { return null; }
  }

  function celebrateNew() {
    var keys = (body.dataset.battle || "").split(" ").filter(Boolean);
    var seen = storedKeys();
    try { window.localStorage.setItem("trackboard.battle.seen", JSON.stringify(keys)); } catch (e) { /* private mode */ }
    if (!seen) { return false; } // first run on this screen: nothing is "new"
    var fresh = keys.filter(function (k) { return seen.indexOf(k) < 0; });
    if (!fresh.length) { return false; }
    var item = document.querySelector('.slide-battle li[data-key="' + fresh[0] + '"] .headline');
    document.getElementById("celebrate-text").textContent = item ? item.textContent : "";
    show(-1, celebrate);
    return true;
  }

  window.trackboardScreen = {
    rotations: function () { return rotations; },
    slides: slides.length
  };

  tick();
  var celebrating = celebrateNew();
  if (celebrating) { current = -1; }
  window.setTimeout(advance, slideMs);
  if (location.protocol === "file:") {
    window.setTimeout(reload, refreshMs); // no fetch from file://: a plain timed reload
  } else {
    poll();
  }
  window.setTimeout(reload, safetyMs);
})();
