// Welfare pages: the festival field only matters for festival gifts; the print view prints itself on demand.
(function () {
  "use strict";
  var category = document.querySelector("select[name=category]");
  var festival = document.querySelector("select[name=festival]");
  if (category && festival) {
    var wrapper = festival.closest(".mb-3") || festival.parentElement;
    var sync = function () {
      var isFestival = category.value === "festival";
      wrapper.hidden = !isFestival;
      if (!isFestival) { festival.value = ""; }
    };
    category.addEventListener("change", sync);
    sync();
  }
  // A gift the staff chose in a survey fills the item field.
  document.querySelectorAll("select[data-fills]").forEach(function (select) {
    var target = document.querySelector("[name=" + select.dataset.fills + "]");
    if (!target) { return; }
    select.addEventListener("change", function () {
      if (select.value) { target.value = select.value; }
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
