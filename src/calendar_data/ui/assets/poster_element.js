// One title's picture as an element of its own (the drawer, the Title page). posterBox comes
// from poster.js, prepended to this file (ui/poster.py).
const drawnFrom = new WeakMap(); // each element's picture as last drawn

export default function (component) {
  const { data, parentElement } = component;
  const drawn = JSON.stringify(data);
  if (drawnFrom.get(parentElement) === drawn) return; // keep a loaded picture across reruns
  drawnFrom.set(parentElement, drawn);
  parentElement.querySelector(".poster")?.remove();
  parentElement.appendChild(posterBox(data, data.size));
}
