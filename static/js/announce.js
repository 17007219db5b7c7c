// A polite live region for screen readers: announces what arrives live (new messages,
// moderation notices) without making the whole message list live, which would also read
// out every page of older messages loaded on scroll-up.
const region = () => document.getElementById("live-announcer");
const KEEP = 3;

export function announce(text) {
  const el = region();
  if (!el || !text) return;
  const line = document.createElement("p");
  line.textContent = text;
  el.append(line);
  while (el.childElementCount > KEEP) el.firstElementChild.remove();
}
