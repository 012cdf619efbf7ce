// Progressive enhancement for forms marked data-live-check: while the user writes, the form is posted
// as a check (confirm=0; the server computes and keeps nothing) and the result region is replaced.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-check]");
  if (!form || !window.fetch || !window.DOMParser) { return; }
  var timer = null;
  var pending = null;

  function region(doc) { return doc.querySelector("[data-check-result]"); }

  function check() {
    var data = new FormData(form);
    data.set("confirm", "0");
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(form.action || window.location.href, { method: "POST", body: data, signal: pending.signal,
                                                   credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = region(new DOMParser().parseFromString(html, "text/html"));
        var here = region(document);
        if (fresh && here) { here.innerHTML = fresh.innerHTML; }
      })
      .catch(function () { /* the Check button still works without script */ });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
})();
