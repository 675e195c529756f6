// Builds the Tables panel, the text twin of the diagram, from the JSON that
// py/attention_sim/tables.py writes. Every text goes in through textContent.
// When the tables keep their shape, only the texts change, so that the focused
// table and its scroll position survive a change of query or setting. A change of
// shape (another step) rebuilds them and moves the focus to the table in its place.

/** Set an element's text, unless it already has it. */
function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

function shapeOf(table) {
  return `${table.columns.length}x${table.rows.length}`;
}

/** Create the empty elements of one table, inside a focusable scrolling region. */
function buildTable(table, index) {
  const wrapper = document.createElement("div");
  wrapper.className = "table-scroll";
  // A region that scrolls must take focus, so that a keyboard can scroll it.
  wrapper.tabIndex = 0;
  wrapper.setAttribute("role", "region");
  const element = document.createElement("table");
  element.className = "data-table";
  element.dataset.shape = shapeOf(table);
  const caption = element.createCaption();
  caption.id = `data-table-${index}`;
  wrapper.setAttribute("aria-labelledby", caption.id);
  const headRow = element.createTHead().insertRow();
  for (let j = 0; j <= table.columns.length; j++) {
    const cell = document.createElement("th");
    cell.scope = "col";
    headRow.append(cell);
  }
  const body = element.createTBody();
  for (let i = 0; i < table.rows.length; i++) {
    const row = body.insertRow();
    const header = document.createElement("th");
    header.scope = "row";
    row.append(header);
    for (let j = 0; j < table.columns.length; j++) row.insertCell();
  }
  wrapper.append(element);
  return wrapper;
}

/** Write a table's texts into elements made by buildTable for the same shape. */
function fillTable(element, table) {
  setText(element.caption, table.caption);
  const headCells = element.tHead.rows[0].cells;
  setText(headCells[0], table.corner);
  table.columns.forEach((text, j) => setText(headCells[j + 1], text));
  const rows = element.tBodies[0].rows;
  table.rows.forEach((cells, i) => {
    const row = rows[i];
    row.classList.toggle("current", i === table.current_row);
    setText(row.cells[0], table.row_headers[i]);
    cells.forEach((text, j) => setText(row.cells[j + 1], text));
  });
}

/** Show the tables in container, reusing its elements where the shapes match. */
export function renderTables(container, tablesJson) {
  const tables = JSON.parse(tablesJson);
  let elements = Array.from(container.querySelectorAll("table.data-table"));
  const reusable =
    elements.length === tables.length &&
    tables.every((table, index) => elements[index].dataset.shape === shapeOf(table));
  if (!reusable) {
    // Keep the keyboard focus at the same place when the new tables replace it.
    const wrappers = Array.from(container.querySelectorAll(".table-scroll"));
    const focused = wrappers.indexOf(document.activeElement);
    container.replaceChildren(...tables.map(buildTable));
    elements = Array.from(container.querySelectorAll("table.data-table"));
    if (focused >= 0 && elements.length > 0) {
      elements[Math.min(focused, elements.length - 1)].parentElement.focus();
    }
  }
  tables.forEach((table, index) => fillTable(elements[index], table));
}
