// A refusal from the server (`{code, message, fields?, retryAfter?}`) in words for the user.
import { shortWait } from "./time.js";

function sentence(text) {
  if (!text) return "Something went wrong. Please try again.";
  const first = text[0].toUpperCase() + text.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

export function describeError(error, { slowMode = 0 } = {}) {
  if (!error) return sentence("");
  const wait = error.retryAfter != null ? shortWait(error.retryAfter) : null;
  switch (error.code) {
    case "rate_limited":
      if (slowMode) return `Slow mode is on: one message every ${shortWait(slowMode)}.`
        + (wait ? ` You can send again in ${wait}.` : "");
      return wait ? `You are sending messages too fast. Try again in ${wait}.`
        : "You are sending messages too fast. Wait a moment.";
    case "muted":
      return wait ? `You are muted here for ${wait} more.` : "You are muted here.";
    case "too_large": {
      const detail = error.fields && Object.values(error.fields)[0];
      return detail ? `Your message is too long (${detail}).` : "Your message is too long.";
    }
    case "not_logged_in":
      return "Your session has ended. Reload the page or sign in again.";
    case "banned":
      return "You are banned from here.";
    default:
      return sentence(error.message);
  }
}
