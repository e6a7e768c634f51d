// Remembers "Mine" (my services, my region, the followed titles) in this browser's own
// storage: nothing of it is sent with a request, and no cookie is set. The stored entry goes
// to the app once per page load, read before any write: a viewer who changed a setting before
// this component was drawn makes the app ask to write at once, and the app then lays that
// change over the stored entry. The app asks to write the entry (or, with null, to forget it).
// Once the app has applied the stored entry, this says the values are drawn: until then, the
// app takes a widget's old value sent with a click for an echo. The app numbers its requests
// (restored: 1, 2, ...; 0 for none) and asks again when the answer came too early.
let sent = false;
let drawn = 0;

export default function ({ data, setTriggerValue }) {
  const { key, write, entry, restored } = data;
  if (restored && restored !== drawn) {
    drawn = restored;
    setTriggerValue("drawn", restored);
  }
  try {
    const stored = sent ? null : localStorage.getItem(key);
    if (write && entry === null) localStorage.removeItem(key);
    else if (write) localStorage.setItem(key, entry);
    if (!sent) {
      sent = true;
      if (stored !== null) setTriggerValue("stored", stored);
    }
  } catch {
    sent = true; // storage blocked (a private window's setting): nothing is remembered
  }
}
