import { listen } from '../core/dom.js';
import { describeElement, targetElement } from './element.js';
import type { Plugin } from './plugin.js';

/** `user_click` with the element's tag, id, class, selector and the pointer position. */
export const clicks: Plugin = (context) =>
  listen<MouseEvent>(
    document,
    'click',
    (event) => {
      const element = targetElement(event);
      if (element)
        context.track('user_click', {
          ...describeElement(element),
          click_x: event.clientX,
          click_y: event.clientY,
        });
    },
    { capture: true, passive: true },
  );
