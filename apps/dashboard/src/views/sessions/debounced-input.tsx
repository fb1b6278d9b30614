import { type InputHTMLAttributes, useEffect, useRef, useState } from 'react';

/** Typing pauses this long before the list asks again: one query per word, not per keystroke. */
export const SEARCH_DEBOUNCE_MS = 300;

interface DebouncedInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> {
  /** The committed value (from the URL). */
  value: string;
  /** Called once typing pauses, or at once on Enter. */
  onCommit(value: string): void;
  delayMs?: number;
}

/**
 * A text input that commits after a pause. What the user types stays as typed while results
 * arrive; a committed value changed elsewhere (back button, a cleared filter) replaces it.
 */
export function DebouncedInput({
  value,
  onCommit,
  delayMs = SEARCH_DEBOUNCE_MS,
  ...rest
}: DebouncedInputProps) {
  const [draft, setDraft] = useState(value);
  const committed = useRef(value);
  const commit = useRef(onCommit);
  commit.current = onCommit;

  useEffect(() => {
    if (value !== committed.current) {
      committed.current = value;
      setDraft(value);
    }
  }, [value]);

  useEffect(() => {
    if (draft === committed.current) return;
    const timer = setTimeout(() => {
      committed.current = draft;
      commit.current(draft);
    }, delayMs);
    return () => clearTimeout(timer);
  }, [draft, delayMs]);

  return (
    <input
      {...rest}
      value={draft}
      onChange={(event) => setDraft(event.target.value)}
      onKeyDown={(event) => {
        if (event.key !== 'Enter') return;
        committed.current = draft;
        commit.current(draft);
      }}
    />
  );
}
