interface Props {
  label: string;
  percent: number;
}

/** An accessible bar: the percentage is in the ARIA value as well as in the width. */
export function ProgressBar({ label, percent }: Props) {
  const value = Math.max(0, Math.min(100, Math.round(percent)));
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value}
    >
      <div className="progress__fill" style={{ width: `${value}%` }} />
    </div>
  );
}
