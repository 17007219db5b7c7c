// The event form: names the browser's time zone in the hidden `timezone` field (the server
// reads the datetime-local values in it), and on an edit page shows the stored UTC times
// (`data-utc`) as local ones.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
const form = document.getElementById("event-form");

const pad = (n) => String(n).padStart(2, "0");

// A Date as a datetime-local value in this browser's zone: "2026-02-03T14:05".
function localValue(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
    + `T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

if (form) {
  const field = form.querySelector('input[name="timezone"], input[name$="-timezone"]');
  if (field) field.value = zone;
  const shown = document.getElementById("timezone-name");
  if (shown) shown.textContent = `your time zone (${zone})`;
  form.querySelectorAll("input[data-utc]").forEach((input) => {
    const date = new Date(input.dataset.utc);
    if (!Number.isNaN(date.getTime())) input.value = localValue(date);
  });
}
