// The replay page's marker bar (signals and errors, rendered by the server
// with each marker's place in per cent of the tab's length) lines up with the
// player's progress bar, whose ends rrweb-player sets itself: measured, and
// again whenever the player's size changes.

/**
 * @param {Document} doc
 * @param {Element} root the player's element
 */
export function alignMarkers(doc, root) {
  const bar = /** @type {HTMLElement | null} */ (doc.querySelector('.session-replay-markers ol'));
  if (!bar) return;
  const align = () => {
    const progress = root.querySelector('.rr-progress');
    const parent = bar.parentElement;
    if (!progress || !parent) return;
    const p = progress.getBoundingClientRect();
    const n = parent.getBoundingClientRect();
    if (!p.width) return;
    bar.style.position = 'absolute';
    bar.style.left = `${p.left - n.left}px`;
    bar.style.width = `${p.width}px`;
    bar.style.top = '0';
    bar.style.bottom = '0';
  };
  align();
  if (typeof ResizeObserver === 'function') new ResizeObserver(align).observe(root);
}
