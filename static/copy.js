// Console: a Copy button beside a link shown whole. Without script the button stays hidden
// and the link is plain text to select; with it, one press copies the whole link.
(function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy") + "-status");
    if (!source) {
      return;
    }
    var text = function () { return source.value !== undefined ? source.value : source.textContent; };
    var done = function () {
      // The words come from the page (its template), as every script's do.
      button.textContent = button.getAttribute("data-copied") || button.textContent;
      if (status) { status.textContent = button.getAttribute("data-copied-status") || ""; }
    };
    var fallback = function () {
      // Select the link so that the person can copy it by hand.
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      try {
        if (document.execCommand("copy")) { done(); }
      } catch (error) {
        // Still selected for Ctrl+C.
      }
    };
    button.hidden = false;
    button.addEventListener("click", function () {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text()).then(done, fallback);
      } else {
        fallback();
      }
    });
  });
})();
