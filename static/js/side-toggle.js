// On phones the side pane (people, event details) lies behind a button over the chat.
export function wireSideToggle() {
  const layout = document.getElementById("chat-layout");
  const button = document.getElementById("side-toggle");
  const pane = document.getElementById("side-pane");
  if (!layout || !button || !pane) return;
  const setOpen = (open) => {
    layout.classList.toggle("side-open", open);
    button.setAttribute("aria-expanded", String(open));
  };
  button.addEventListener("click", () => setOpen(!layout.classList.contains("side-open")));
  pane.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && layout.classList.contains("side-open")) {
      setOpen(false);
      button.focus();
    }
  });
}
