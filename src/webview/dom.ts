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

/**
 * Puts what the page keeps for later (its `<template id="op-later">`: KaTeX's stylesheet, fonts to
 * preload; src/extension/html.ts) into its head, where they load.
 */
export function adoptLaterResources(): void {
  const later = document.getElementById('op-later');
  if (!(later instanceof HTMLTemplateElement)) return;
  document.head.append(later.content);
  later.remove();
}
