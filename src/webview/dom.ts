/**
 * Frame scheduling for the panel and its chart views.
 */
/**
 * Calls `f` at the next animation frame, or after 16 ms when the page is hidden and has no frames
 * (or has no `requestAnimationFrame`, under Node): the panel's and the chart views' frame scheduling.
 */
export function onNextFrame(f: () => void): { cancel(): void } {
  if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible') {
    const id = requestAnimationFrame(() => f());
    return { cancel: () => cancelAnimationFrame(id) };
  }
  const id = setTimeout(f, 16);
  return { cancel: () => clearTimeout(id) };
}
