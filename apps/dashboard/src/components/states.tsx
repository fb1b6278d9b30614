import { LiveQueryError } from '@sightline/react';
import { Component, type ReactNode } from 'react';

/** Shown while a live query's first result is on its way. */
export function Loading({ label = 'Loading…', height }: { label?: string; height?: number }) {
  return (
    <div className="state state-loading" style={height ? { minHeight: height } : undefined} aria-busy="true">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/** Shown when a query answered with nothing to show; says what would fill it. */
export function Empty({ children, height }: { children: ReactNode; height?: number }) {
  return (
    <div className="state state-empty" style={height ? { minHeight: height } : undefined}>
      {children}
    </div>
  );
}

interface BoundaryProps {
  children: ReactNode;
  /** Changing it clears a shown error (e.g. new arguments). */
  resetKey?: string;
}

interface BoundaryState {
  error: Error | null;
  resetKey: string | undefined;
}

/**
 * useLiveQuery throws a query's failure (bad arguments, unknown query) during render; this shows
 * it in place of the one panel instead of blanking the page.
 */
export class QueryBoundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: Error): Partial<BoundaryState> {
    return { error };
  }

  static getDerivedStateFromProps(props: BoundaryProps, state: BoundaryState): Partial<BoundaryState> | null {
    return props.resetKey !== state.resetKey ? { error: null, resetKey: props.resetKey } : null;
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const code = error instanceof LiveQueryError ? error.code : 'error';
    return (
      <div className="state state-error" role="alert">
        <strong>Could not load this ({code}).</strong> {error.message}
      </div>
    );
  }
}
