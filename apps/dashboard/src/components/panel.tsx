import type { ReactNode } from 'react';

interface PanelProps {
  title: string;
  /** A short line under the title: what the numbers mean. */
  hint?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
}

/** The one card every view is built from. */
export function Panel({ title, hint, actions, children, className, testId }: PanelProps) {
  return (
    <section className={`panel ${className ?? ''}`} data-testid={testId}>
      <header className="panel-head">
        <div>
          <h2 className="panel-title">{title}</h2>
          {hint ? <p className="panel-hint">{hint}</p> : null}
        </div>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}
