/** Ancestors a selector walks up at most. */
export const SELECTOR_MAX_DEPTH = 4;
/** Classes taken per element: enough to recognise it, short enough to group by. */
export const SELECTOR_MAX_CLASSES = 2;

const classesOf = (element: Element) => (element.getAttribute('class') ?? '').trim();

/** A short CSS-ish selector, e.g. `main#app > div.card > button.btn.primary`. Never reads values or text. */
export function cssSelector(element: Element): string {
  const parts: string[] = [];
  for (
    let node: Element | null = element;
    node && parts.length < SELECTOR_MAX_DEPTH;
    node = node.parentElement
  ) {
    const tag = node.tagName.toLowerCase();
    if (node.id) {
      parts.unshift(`${tag}#${node.id}`);
      break;
    }
    const classes = classesOf(node).split(/\s+/).filter(Boolean).slice(0, SELECTOR_MAX_CLASSES);
    parts.unshift(classes.length ? `${tag}.${classes.join('.')}` : tag);
    if (tag === 'body') break;
  }
  return parts.join(' > ');
}

/** What the clicks plugins say about an element: structure only, never input values or text content. */
export const describeElement = (element: Element) => ({
  element_tag: element.tagName.toLowerCase(),
  element_id: element.id,
  element_class: classesOf(element),
  selector: cssSelector(element),
});

/** The element a pointer event hit (text-node targets resolve to their parent). */
export const targetElement = (event: Event): Element | null => {
  const target = event.target as Node | null;
  return target instanceof Element ? target : (target?.parentElement ?? null);
};
