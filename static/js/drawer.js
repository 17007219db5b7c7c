// On phones the sidebar is a drawer behind the header's "Chats" button: it opens over the
// chat with a backdrop, takes the focus, and closes with Escape, its ✕, the backdrop or a
// link followed (the focus then goes back to the button).
export function wireDrawer() {
  const layout = document.getElementById("chat-layout");
  const toggle = document.getElementById("sidebar-toggle");
  const sidebar = document.getElementById("sidebar");
  const backdrop = document.getElementById("drawer-backdrop");
  if (!layout || !toggle || !sidebar) return;

  const isOpen = () => layout.classList.contains("sidebar-open");
  const setOpen = (open, { restoreFocus = true } = {}) => {
    layout.classList.toggle("sidebar-open", open);
    toggle.setAttribute("aria-expanded", String(open));
    if (backdrop) backdrop.hidden = !open;
    if (open) {
      layout.classList.remove("side-open"); // one overlay at a time
      document.getElementById("side-toggle")?.setAttribute("aria-expanded", "false");
      const target = sidebar.querySelector('[aria-current="page"]') || sidebar.querySelector("a, button");
      // After the slide starts: a hidden element cannot take the focus.
      requestAnimationFrame(() => target?.focus());
    } else if (restoreFocus) {
      toggle.focus();
    }
  };

  toggle.addEventListener("click", () => setOpen(!isOpen()));
  document.getElementById("sidebar-close")?.addEventListener("click", () => setOpen(false));
  backdrop?.addEventListener("click", () => setOpen(false));
  sidebar.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isOpen()) setOpen(false);
  });
  sidebar.addEventListener("click", (event) => {
    if (event.target.closest("a") && isOpen()) setOpen(false, { restoreFocus: false });
  });
}
