// The printable report pages: the Print button opens the browser's print dialog (Save as PDF included).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
