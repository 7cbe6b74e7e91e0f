// Live preview for the letter editor: sends the text to the server, which renders and
// sanitizes it exactly as the public page will, and shows the result under the text box.
// Without script the Preview button does the same with a full page.
document.querySelectorAll("textarea[data-live-preview]").forEach(function (area) {
  var target = document.getElementById("live-preview");
  var url = area.getAttribute("data-live-preview");
  if (!target || !url) { return; }
  var timer = null;
  function refresh() {
    var body = new URLSearchParams();
    body.set("body", area.value);
    fetch(url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) { target.innerHTML = html; target.hidden = false; })
      .catch(function () { target.hidden = true; });
  }
  area.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
  if (area.value) { refresh(); }
});

// The new-letter form: while the address is left empty, its placeholder shows the address the
// title suggests (the server makes the real one the same way, transliterating what this
// cannot, such as Hebrew or Arabic titles; without script it still does).
(function () {
  var slug = document.getElementById("slug");
  var title = document.getElementById("title");
  if (!slug || !title) { return; }
  title.addEventListener("input", function () {
    var suggested = title.value.normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80)
      .replace(/-+$/, "");
    slug.placeholder = suggested;
  });
})();
