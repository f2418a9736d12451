// Activities pages: copy the private calendar link (no inline scripts in templates).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) {
      return;
    }
    var input = document.querySelector(button.getAttribute("data-copy-target"));
    if (!input) {
      return;
    }
    input.select();
    if (navigator.clipboard) {
      navigator.clipboard.writeText(input.value);
    }
    button.textContent = button.getAttribute("data-copied-label") || button.textContent;
  });
})();
