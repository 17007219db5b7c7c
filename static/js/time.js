// Times in the viewer's own time zone and language. The server writes UTC into every
// <time datetime="...Z">; these functions rewrite the text (the exact moment stays in
// `datetime`, the full local date in `title`).

const clock = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const weekdayClock = new Intl.DateTimeFormat(undefined,
  { weekday: "short", hour: "numeric", minute: "2-digit" });
const dayClock = new Intl.DateTimeFormat(undefined,
  { day: "numeric", month: "short", hour: "numeric", minute: "2-digit" });
const yearDayClock = new Intl.DateTimeFormat(undefined,
  { day: "numeric", month: "short", year: "numeric", hour: "numeric", minute: "2-digit" });
const full = new Intl.DateTimeFormat(undefined, {
  weekday: "long", day: "numeric", month: "long", year: "numeric",
  hour: "numeric", minute: "2-digit", timeZoneName: "short",
});

const DAY = 24 * 60 * 60 * 1000;

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth()
    && a.getDate() === b.getDate();
}

// Short enough for a message: "14:05" today, "Tue 14:05" this week, "3 Feb, 14:05" later.
export function shortTime(date, now = new Date()) {
  if (sameDay(date, now)) return clock.format(date);
  if (Math.abs(now - date) < 6 * DAY) return weekdayClock.format(date);
  if (date.getFullYear() === now.getFullYear()) return dayClock.format(date);
  return yearDayClock.format(date);
}

export function fullTime(date) {
  return full.format(date);
}

// Rewrites one <time>: data-format="datetime" for schedules (the full date), else short.
export function formatTime(el) {
  const date = new Date(el.getAttribute("datetime"));
  if (Number.isNaN(date.getTime())) return;
  el.textContent = el.dataset.format === "datetime" ? fullTime(date) : shortTime(date);
  el.title = fullTime(date);
}

export function formatAll(root = document) {
  root.querySelectorAll("time[datetime]").forEach(formatTime);
}

// A <time> element for a moment given as an ISO string.
export function timeElement(iso, format) {
  const el = document.createElement("time");
  el.setAttribute("datetime", iso);
  if (format) el.dataset.format = format;
  formatTime(el);
  return el;
}

// A duration for "starts in …": "3 days 4 h", "2 h 05 min", "12 min", "less than a minute".
export function duration(ms) {
  const minutes = Math.floor(ms / 60000);
  if (minutes < 1) return "less than a minute";
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return `${days} ${days === 1 ? "day" : "days"}${hours ? ` ${hours} h` : ""}`;
  if (hours > 0) return `${hours} h ${String(mins).padStart(2, "0")} min`;
  return `${mins} min`;
}

// "14 s", "3 min": how long until something (a mute, a rate limit) is over.
export function shortWait(seconds) {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return `${minutes} min`;
  return duration(s * 1000);
}
