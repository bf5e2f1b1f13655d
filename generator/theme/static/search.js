/* Start Pagefind's search box (the index lives in search/pagefind/, built with the site). */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (location.protocol === "file:") {
    document.getElementById("search-file").hidden = false;
  }
  if (!box || typeof window.PagefindUI === "undefined") { return; }
  // Pagefind takes the folder above its bundle (search/) for the site's root; the root is the folder above this
  // page, wherever the site is served from (a sub-path of an intranet server too).
  var root = new URL("../", location.href).pathname;
  new window.PagefindUI({
    element: "#search",
    baseUrl: root,
    showImages: false,
    showSubResults: true,
    translations: { placeholder: box.dataset.placeholder }
  });
  // Pagefind's box has a placeholder but no label: tie it to the visible label above it.
  var input = box.querySelector("input");
  if (input) {
    input.id = "search-input";
    input.setAttribute("aria-labelledby", "search-label");
  }
})();
