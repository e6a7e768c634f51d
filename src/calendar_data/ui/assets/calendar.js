// The calendar's days and cards, drawn in one Streamlit element. Every catalog string is set
// with textContent, never parsed as HTML. posterBox comes from poster.js, prepended to this file
// (ui/calendar_view.py).

// A phone's width: below it calendar.css lays the month out as one column (same query).
const NARROW = "(max-width: 640px)";
const drawnFrom = new WeakMap(); // each calendar's data as last drawn
let closeWatch = null; // watches the drawer a button opened, to give the focus back
const DATE_BUTTON = ".st-key-go_to_date [data-testid='stPopoverButton']";
const DATE_FIELD = "[data-testid='stPopoverBody'] .st-key-date [role='spinbutton']";
const WATCHING_DATE = Symbol.for("calendar_data.watching_go_to_date"); // once a page

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const { fit, ...days } = data;
  const root = parentElement.querySelector(".calendar") ?? parentElement.appendChild(element("div"));
  focusTheDateFieldOnOpen();
  // On a phone the calendar opens as the agenda. Only the browser knows the screen's width, so
  // when the page asks (fit: its session's first calendar) a narrow screen says so.
  if (fit && window.matchMedia(NARROW).matches) setTriggerValue("narrow", true);
  // Redraw only when the days changed (not when only fit did), so the buttons, and the
  // keyboard focus on one, outlive the reruns that open and close a drawer.
  const drawn = JSON.stringify(days);
  if (drawnFrom.get(root) !== drawn) {
    drawnFrom.set(root, drawn);
    root.className = `calendar ${data.view}`;
    root.replaceChildren(
      ...data.weekdays.map((name) => element("div", "weekday", name)),
      ...data.days.map((day) => dayCell(day, data.view, setTriggerValue)),
    );
  }
}

// A closed Streamlit dialog leaves the focus nowhere (on the page's body): watch the drawer a
// button opened and, once it closes, give the focus back to that button, so a keyboard user
// goes on from the card (or "+N more") instead of from the top of the page.
function returnFocusOnClose(button) {
  closeWatch?.disconnect();
  const findAgain = finder(button);
  let opened = false;
  closeWatch = new MutationObserver(() => {
    if (document.querySelector("[role='dialog']")) {
      opened = true;
    } else if (opened) {
      const target = button.isConnected ? button : findAgain();
      if (target && document.activeElement === document.body) target.focus();
      // A rerun (a follow in the drawer) may draw the drawer anew: watch until one ends.
      if (!scriptRunning()) closeWatch.disconnect();
      opened = false;
    }
  });
  closeWatch.observe(document.body, { childList: true, subtree: true });
}

// Streamlit draws a popover's body at the end of the page and leaves the focus on its button,
// so a keyboard user would tab past every card to reach the date field of "Go to date": once
// that popover opens (by a click, Enter or Space), the focus moves into its field, whose code
// may still be loading.
function focusTheDateFieldOnOpen() {
  if (document[WATCHING_DATE]) return;
  document[WATCHING_DATE] = true;
  document.addEventListener(
    "click",
    (event) => {
      const button = event.target.closest?.(DATE_BUTTON);
      if (button?.getAttribute("aria-expanded") === "false") focusWhenDrawn(DATE_FIELD);
    },
    true, // before the popover opens: its button still says it is closed
  );
}

function focusWhenDrawn(selector, until = performance.now() + 5000) {
  const target = document.querySelector(selector);
  if (target) target.focus();
  else if (performance.now() < until) requestAnimationFrame(() => focusWhenDrawn(selector, until));
}

function scriptRunning() {
  const app = document.querySelector("[data-testid='stApp']");
  return app?.getAttribute("data-test-script-state") === "running";
}

// Where the button is once the drawer closed, if it was replaced: the same card redrawn (a
// follow marks it), else, for a card of a day's drawer (gone with the drawer), the calendar's
// "+N more" of that day. The calendar draws in a shadow root, so each one is looked in.
function finder(button) {
  const card = button.closest("[data-card]")?.dataset.card;
  const day = button.closest("[data-day]")?.dataset.day;
  const roots = () => [
    button.getRootNode(),
    document,
    ...[...document.querySelectorAll("[data-testid='stBidiComponentIsolated']")]
      .map((host) => host.shadowRoot)
      .filter(Boolean),
  ];
  const selectors = [
    card && `[data-card="${CSS.escape(card)}"] > button`,
    day && `button[data-more="${CSS.escape(day)}"]`,
  ].filter(Boolean);
  return () => {
    for (const selector of selectors) {
      for (const root of roots()) {
        const found = root.isConnected !== false && root.querySelector?.(selector);
        if (found) return found;
      }
    }
    return null;
  };
}

function dayCell(day, view, setTriggerValue) {
  const cell = element("div", "day");
  cell.dataset.day = day.day;
  cell.setAttribute("role", "group");
  cell.setAttribute("aria-label", day.name);
  cell.classList.toggle("faded", day.faded);
  cell.classList.toggle("today", day.today);
  if (day.label) {
    const heading = cell.appendChild(element(view === "agenda" ? "h3" : "div", "label"));
    if (day.phone_label === day.label) {
      heading.textContent = day.label;
    } else {
      // calendar.css shows one: the short label in a grid, the long one in a phone's column.
      heading.append(element("span", "wide", day.label), element("span", "narrow", day.phone_label));
    }
    if (day.today) heading.append(element("span", "today-mark", "Today"));
  }
  day.cards.forEach((card, index) => {
    const holder = cell.appendChild(element("div", `card svc-${card.slot}`));
    holder.dataset.card = `${view}-${day.day}-${index}`;
    const button = holder.appendChild(element("button"));
    button.type = "button";
    button.title = `${card.title}\n${card.details}`;
    button.append(element("span", "title", card.title), element("span", "details", card.details));
    button.onclick = () => {
      returnFocusOnClose(button);
      setTriggerValue("open", [card.title_id, card.release_id]);
    };
    if (card.poster) {
      // The agenda's cards show the title's picture (poster.js), which opens it too.
      const picture = holder.insertBefore(posterBox(card.poster, "card"), button);
      picture.onclick = () => button.click();
      holder.classList.add("with-poster");
    }
  });
  if (day.more > 0) {
    const more = cell.appendChild(element("button", "more", `+${day.more} more`));
    more.type = "button";
    more.dataset.more = day.day;
    more.onclick = () => {
      returnFocusOnClose(more);
      setTriggerValue("more", day.day);
    };
  }
  return cell;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
