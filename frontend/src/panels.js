// The side panels as an ARIA tablist (the template renders the tabs and the
// panels; this makes them work): one panel shown, arrows, Home and End move
// between the tabs, the selected one is the only tab in the tab order.

/**
 * @param {HTMLElement} list the role=tablist element
 * @param {(id: string) => void} [onShow] told the panel id shown
 */
export function bindTabs(list, onShow) {
  const doc = list.ownerDocument;
  const tabs = /** @type {HTMLElement[]} */ (Array.from(list.querySelectorAll('[role="tab"]')));
  /** @param {HTMLElement} tab @param {boolean} focus */
  const select = (tab, focus) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      const panel = doc.getElementById(t.getAttribute('aria-controls') || '');
      if (panel) panel.hidden = !on;
    }
    if (focus) tab.focus();
    if (onShow) onShow(tab.getAttribute('aria-controls') || '');
  };
  for (const tab of tabs) {
    tab.addEventListener('click', () => select(tab, false));
    tab.addEventListener('keydown', (e) => {
      const i = tabs.indexOf(tab);
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      select(tabs[(to + tabs.length) % tabs.length], true);
    });
  }
  return {
    /** @param {string} panelId */
    show(panelId) {
      const tab = tabs.find((t) => t.getAttribute('aria-controls') === panelId);
      if (tab) select(tab, false);
    },
  };
}
