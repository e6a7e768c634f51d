// Remembers "Mine" (my services, my region, the followed titles) in this browser's own
// storage: nothing of it is sent with a request, and no cookie is set. The stored entry goes
// to the app once per page load; the app asks to write it (or, with null, to forget it).
let sent = false;

export default function ({ data, setTriggerValue }) {
  const { key, write, entry } = data;
  try {
    if (write && entry === null) localStorage.removeItem(key);
    else if (write) localStorage.setItem(key, entry);
    if (!sent) {
      sent = true;
      const stored = localStorage.getItem(key);
      if (stored !== null && !write) setTriggerValue("stored", stored);
    }
  } catch {
    sent = true; // storage blocked (a private window's setting): nothing is remembered
  }
}
