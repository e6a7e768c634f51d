// The calendar's days and cards, drawn in one Streamlit element. Every catalog string is set
// with textContent, never parsed as HTML.
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector(".calendar") ?? parentElement.appendChild(element("div"));
  root.className = `calendar ${data.view}`;
  root.replaceChildren(
    ...data.weekdays.map((name) => element("div", "weekday", name)),
    ...data.days.map((day) => dayCell(day, data.view, setTriggerValue)),
  );
}

function dayCell(day, view, setTriggerValue) {
  const cell = element("div", "day");
  cell.dataset.day = day.day;
  cell.setAttribute("role", "group");
  cell.setAttribute("aria-label", day.name);
  cell.classList.toggle("faded", day.faded);
  cell.classList.toggle("today", day.today);
  const heading = cell.appendChild(element(view === "agenda" ? "h4" : "div", "label", day.label));
  if (day.today) heading.append(element("span", "today-mark", "Today"));
  day.cards.forEach((card, index) => {
    const holder = cell.appendChild(element("div", `card svc-${card.slot}`));
    holder.dataset.card = `${view}-${day.day}-${index}`;
    const button = holder.appendChild(element("button"));
    button.type = "button";
    button.title = `${card.title}\n${card.details}`;
    button.append(element("span", "title", card.title), element("span", "details", card.details));
    button.onclick = () => setTriggerValue("open", [card.title_id, card.release_id]);
  });
  if (day.more > 0) {
    const more = cell.appendChild(element("button", "more", `+${day.more} more`));
    more.type = "button";
    more.dataset.more = day.day;
    more.onclick = () => setTriggerValue("more", day.day);
  }
  return cell;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
