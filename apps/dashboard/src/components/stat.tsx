import type { ReactNode } from 'react';

interface StatProps {
  label: string;
  value: string;
  /** Under the value: what it is made of. */
  detail?: ReactNode;
  testId?: string;
}

/** One headline number. */
export function Stat({ label, value, detail, testId }: StatProps) {
  return (
    <div className="stat" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {detail ? <div className="stat-detail">{detail}</div> : null}
    </div>
  );
}
