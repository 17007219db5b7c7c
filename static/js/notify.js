// A browser notification when someone mentions the viewer while this tab is hidden. The
// permission is asked for politely, once: a small offer the viewer turns on or declines
// (remembered in localStorage), never the browser's prompt on page load.
const ASKED = "chat.mentionNotifications";

export function offerNotifications(container) {
  if (!("Notification" in window) || !container || Notification.permission !== "default") return;
  if (localStorage.getItem(ASKED)) return;
  const offer = document.createElement("div");
  offer.className = "notify-offer";
  offer.setAttribute("role", "region");
  offer.setAttribute("aria-label", "Notifications");
  const text = document.createElement("span");
  text.textContent = "Get a notification when someone mentions you while this tab is in the background?";
  const yes = Object.assign(document.createElement("button"),
    { type: "button", className: "button button-small", textContent: "Turn on" });
  const no = Object.assign(document.createElement("button"),
    { type: "button", className: "link-button", textContent: "No thanks" });
  const done = (answer) => { localStorage.setItem(ASKED, answer); offer.remove(); };
  yes.addEventListener("click", async () => {
    const permission = await Notification.requestPermission();
    done(permission);
  });
  no.addEventListener("click", () => done("declined"));
  offer.append(text, yes, no);
  container.prepend(offer);
}

// `m`: the message as the page shows it; notifies only when the tab is hidden.
export function notifyMention(m, where) {
  if (document.visibilityState === "visible" || !("Notification" in window)
      || Notification.permission !== "granted") return;
  const note = new Notification(`${m.displayName || m.username} mentioned you in ${where}`,
    { body: (m.content || "").slice(0, 140), tag: `mention-${m.id}` });
  note.onclick = () => { window.focus(); note.close(); };
}
