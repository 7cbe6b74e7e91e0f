// After a failed submit the form comes back with a summary of what to fix: move focus to it so
// a screen reader announces it and a phone shows it, instead of the top of the letter.
(function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
