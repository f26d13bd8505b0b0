// The sign-off session: a reason field opens when a case is excluded, and while a batch is
// being signed the progress bar shows (no inline script: the CSP allows only own files).
document.querySelectorAll("[data-exclude]").forEach((box) => {
  const reason = document.getElementById(box.dataset.exclude);
  const sync = () => {
    reason.hidden = !box.checked;
    reason.required = box.checked;
  };
  box.addEventListener("change", sync);
  sync();
});
const form = document.getElementById("signoff-form");
if (form) {
  form.addEventListener("submit", () => {
    const progress = document.getElementById("signoff-progress");
    progress.hidden = false;
    form.querySelectorAll("button[type=submit]").forEach((b) => (b.disabled = true));
  });
}
