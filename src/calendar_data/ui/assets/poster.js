// A title's picture in a box of fixed size (calendar.css / poster.css), so nothing moves when it
// arrives, loaded only when it nears the screen. No link, or a link that fails to load: a plain
// placeholder of the same size. The link and its text come from the catalog (checked http(s) by
// the server) and are set as properties, never parsed as HTML. Shared by the calendar's agenda
// cards and the poster element (ui/poster.py), which each prepend this file to their own.
function posterBox(poster, size) {
  const box = document.createElement("div");
  box.className = `poster poster-${size}`;
  box.dataset.poster = size;
  if (!poster.src) return placeholder(box);
  const picture = box.appendChild(document.createElement("img"));
  picture.alt = poster.alt;
  picture.loading = "lazy";
  picture.decoding = "async";
  picture.referrerPolicy = "no-referrer"; // the host learns nothing of the page
  picture.onerror = () => placeholder(box);
  picture.src = poster.src;
  return box;
}

// The box emptied and tinted: decorative, so kept from screen readers.
function placeholder(box) {
  box.replaceChildren();
  box.classList.add("placeholder");
  box.setAttribute("aria-hidden", "true");
  return box;
}
