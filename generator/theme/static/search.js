/* Start Pagefind's search box (the index lives in search/pagefind/, built with the site). */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (location.protocol === "file:") {
    document.getElementById("search-file").hidden = false;
  }
  if (!box || typeof window.PagefindUI === "undefined") { return; }
  new window.PagefindUI({
    element: "#search",
    showImages: false,
    showSubResults: true,
    translations: { placeholder: box.dataset.placeholder }
  });
})();
