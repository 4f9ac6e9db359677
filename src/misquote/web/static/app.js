// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Copy buttons are hidden in the HTML (useless without JS) and shown here.
  function showCopyButtons(root) {
    root.querySelectorAll("button.copy[hidden]").forEach(function (b) { b.hidden = false; });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy");
    if (!button) return;
    var source = document.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.textContent).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });

  // A link to /documents/ID#p1234 of a long document: the paragraph may be on another page.
  function findParagraph() {
    var hash = decodeURIComponent(location.hash.slice(1));
    if (!/^[\w.-]{1,40}$/.test(hash) || document.getElementById(hash)) return;
    if (!document.querySelector(".document .doc-body")) return;
    var params = new URLSearchParams(location.search);
    if (params.get("at") === hash) return;
    params.delete("page");
    params.set("at", hash);
    location.replace(location.pathname + "?" + params.toString() + location.hash);
  }

  document.addEventListener("DOMContentLoaded", function () {
    showCopyButtons(document);
    findParagraph();
  });
  document.addEventListener("htmx:afterSettle", function (event) { showCopyButtons(event.target); });
  window.addEventListener("hashchange", findParagraph);
})();
