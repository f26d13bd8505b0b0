// The electronic case file on a case page: drop files on a checklist row to upload them,
// and view the scanned pages (enlarge, rotate, previous/next). No inline script (CSP).
(function () {
  "use strict";

  function setupDrop(form) {
    var input = form.querySelector("input[type=file]");
    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (event) {
        event.preventDefault();
        form.classList.add("dragging");
      });
    });
    form.addEventListener("dragleave", function () { form.classList.remove("dragging"); });
    form.addEventListener("drop", function (event) {
      event.preventDefault();
      form.classList.remove("dragging");
      if (!event.dataTransfer || !event.dataTransfer.files.length) { return; }
      input.files = event.dataTransfer.files;
      var reason = form.querySelector("input[name=reason]");
      if (reason && !reason.value) { reason.focus(); return; }
      form.requestSubmit();
    });
  }

  function setupViewer() {
    var viewer = document.getElementById("page-viewer");
    if (!viewer) { return; }
    var image = document.getElementById("page-viewer-image");
    var caption = document.getElementById("page-viewer-caption");
    var thumbs = Array.prototype.slice.call(document.querySelectorAll("a.page-thumb.image"));
    var index = 0;
    var angle = 0;

    function show(i) {
      index = (i + thumbs.length) % thumbs.length;
      angle = 0;
      image.style.transform = "";
      image.src = thumbs[index].href;
      image.dataset.page = thumbs[index].dataset.page;
      caption.textContent = thumbs[index].dataset.caption + " (" + (index + 1) + "/" + thumbs.length + ")";
      viewer.hidden = false;
    }

    thumbs.forEach(function (thumb, i) {
      thumb.addEventListener("click", function (event) {
        event.preventDefault();
        show(i);
      });
    });
    viewer.addEventListener("click", function (event) {
      var act = event.target.dataset && event.target.dataset.viewer;
      if (act === "prev") { show(index - 1); }
      if (act === "next") { show(index + 1); }
      if (act === "rotate") {
        angle = (angle + 90) % 360;
        image.style.transform = "rotate(" + angle + "deg)";
        image.dataset.angle = String(angle);
      }
      if (act === "close") { viewer.hidden = true; }
    });
    document.addEventListener("keydown", function (event) {
      if (viewer.hidden) { return; }
      if (event.key === "ArrowLeft") { show(index - 1); }
      if (event.key === "ArrowRight") { show(index + 1); }
      if (event.key === "Escape") { viewer.hidden = true; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.page-drop").forEach(setupDrop);
    setupViewer();
  });
})();
