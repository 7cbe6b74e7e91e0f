// After a failed submit the form comes back with a summary of what to fix: move focus to it so
// a screen reader announces it and a phone shows it, instead of the top of the letter.
(function () {
  var summary = document.querySelector(".error-summary");
  if (!summary) {
    return;
  }
  summary.focus();
  // The form posts to "#sign"; Chromium scrolls to that anchor after the page has loaded and
  // takes focus away from whatever held it, so focus the summary again once that is done.
  window.addEventListener("load", function () {
    window.requestAnimationFrame(function () {
      summary.focus();
    });
  });
})();
