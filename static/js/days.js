// Day separators in a message list: "Today", "Yesterday", "Monday 24 November", in the
// viewer's zone (the server renders them by UTC for pages without JavaScript).
const pad = (n) => String(n).padStart(2, "0");

// The local calendar day of an ISO time, as "2026-11-24" (the separators' data-day).
export function dayKey(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function dayLabel(iso, now = new Date()) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const key = dayKey(iso);
  if (key === dayKey(now.toISOString())) return "Today";
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (key === dayKey(yesterday.toISOString())) return "Yesterday";
  const options = { weekday: "long", day: "numeric", month: "long" };
  if (date.getFullYear() !== now.getFullYear()) options.year = "numeric";
  return date.toLocaleDateString(undefined, options);
}

export function daySeparator(iso) {
  const li = document.createElement("li");
  li.className = "day-separator";
  li.dataset.day = dayKey(iso);
  const label = document.createElement("span");
  label.textContent = dayLabel(iso);
  li.append(label);
  return li;
}
