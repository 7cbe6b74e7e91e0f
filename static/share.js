// The share step without script shows the link in a read-only field and plain links; with
// script it also gets a Copy button and, where the browser has one, its own share sheet.
(function () {
  var copy = document.getElementById("share-copy");
  var field = document.getElementById("share-url");
  var status = document.getElementById("share-copy-status");
  if (copy && field) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      // The words come from the page, in its language (the server's catalogs).
      var done = function () {
        copy.textContent = copy.getAttribute("data-copied") || copy.textContent;
        if (status) { status.textContent = copy.getAttribute("data-copied-status") || ""; }
      };
      var fallback = function () {
        field.focus();
        field.select();
        try {
          if (document.execCommand("copy")) { done(); }
        } catch (error) {
          // The link stays selected for the person to copy by hand.
        }
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(done, fallback);
      } else {
        fallback();
      }
    });
  }
  var native = document.getElementById("share-native");
  if (native && typeof navigator.share === "function") {
    native.hidden = false;
    native.addEventListener("click", function () {
      navigator.share({
        title: native.getAttribute("data-title"),
        text: native.getAttribute("data-title"),
        url: native.getAttribute("data-url")
      }).catch(function () {
        // Closing the share sheet is not an error worth showing.
      });
    });
  }
})();
