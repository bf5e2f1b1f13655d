// On a phone the navigation is one row that scrolls sideways: bring the current page's entry into view, in the
// middle of the row. Without this script the row simply starts at its first entry.
(function () {
  var current = document.querySelector(".masthead nav [aria-current]");
  var row = current && current.closest("nav");
  if (row && row.scrollWidth > row.clientWidth) {
    var box = current.getBoundingClientRect(), frame = row.getBoundingClientRect();
    row.scrollLeft += box.left - frame.left - (frame.width - box.width) / 2;
  }
})();
