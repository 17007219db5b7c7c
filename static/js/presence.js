// Presence dots, as the `presence` macro writes them: a coloured dot, and the word for
// screen readers.
export function presenceDot(online) {
  const dot = document.createElement("span");
  const words = document.createElement("span");
  words.className = "visually-hidden";
  dot.append(words);
  setPresence(dot, online);
  return dot;
}

export function setPresence(dot, online) {
  if (!dot) return;
  dot.classList.add("presence");
  dot.classList.toggle("online", online);
  dot.classList.toggle("offline", !online);
  dot.title = online ? "Online" : "Offline";
  const words = dot.querySelector(".visually-hidden");
  if (words) words.textContent = online ? "(online)" : "(offline)";
}

// Updates every dot of `userId` inside `root` (elements carrying data-user-id).
export function setUserPresence(root, userId, online) {
  root.querySelectorAll(`[data-user-id="${CSS.escape(String(userId))}"] .presence`)
    .forEach((dot) => setPresence(dot, online));
}
