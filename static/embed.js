// The embed tells the page that frames it how tall its content is, so that the member's
// snippet can size the frame: the form grows when "for an organization" is chosen, when an
// error summary appears, and when the text wraps on a narrow screen. The height is no secret,
// so it goes to whichever page frames this one (only `embed.allowed_origins` may); the
// snippet checks that the message comes from this site.
(function () {
  if (window.parent === window) {
    return;
  }
  var panel = document.querySelector(".embed-panel");
  if (!panel) {
    return;
  }
  // The answer to the form ("check your email") takes the focus, which also scrolls the
  // member's page to it: the frame's new page is shorter, and the person was at its button.
  var answer = document.querySelector("[data-focus]");
  if (answer) {
    answer.focus();
  }
  var last = 0;
  function post() {
    // The panel's bottom, not the document's height: that is at least the frame's own
    // height, so the frame could grow but never shrink back.
    var style = window.getComputedStyle(document.body);
    var height = Math.ceil(panel.getBoundingClientRect().bottom + window.scrollY +
      (parseFloat(style.marginBottom) || 0) + (parseFloat(style.paddingBottom) || 0));
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: "undersigned:height", height: height }, "*");
    }
  }
  if (typeof window.ResizeObserver === "function") {
    new window.ResizeObserver(post).observe(panel);
  }
  document.addEventListener("change", post);
  window.addEventListener("resize", post);
  window.addEventListener("load", post);
  post();
})();
