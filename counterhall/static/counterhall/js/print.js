// Print button on A4 documents (no inline script: the CSP allows only the hall's own files).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
