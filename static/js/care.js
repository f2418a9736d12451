// The care pages' script: the print buttons (data-print), and the card's code refreshed before it expires.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  var card = document.querySelector("[data-card-refresh]");
  if (card) {
    // The token on the phone's card lasts 15 minutes: load a fresh one every 10 while the page is open.
    window.setTimeout(function () { window.location.reload(); }, 10 * 60 * 1000);
  }
})();
