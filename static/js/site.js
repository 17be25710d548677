// Behaviour that would otherwise be inline script (the Content-Security-Policy allows scripts from files only).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
