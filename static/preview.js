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
