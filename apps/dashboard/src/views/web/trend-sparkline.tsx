interface TrendSparklineProps {
  current: readonly number[];
  /** The previous period's points, lined up with `current` (previous[i] ↔ current[i]). */
  previous: readonly number[];
  /** Read by screen readers (and shown as the tooltip). */
  label: string;
}

const WIDTH = 120;
const HEIGHT = 32;
/** Room for the stroke at the top and bottom, so a peak or a zero is not cut in half. */
const PAD = 2;

function points(values: readonly number[], max: number, count: number): string {
  const step = count > 1 ? WIDTH / (count - 1) : 0;
  return values
    .map((v, i) => `${(i * step).toFixed(1)},${(HEIGHT - PAD - (v / max) * (HEIGHT - 2 * PAD)).toFixed(1)}`)
    .join(' ');
}

/**
 * The range's trend (solid) over the previous period's (dashed, grey), on one scale so the two
 * compare honestly. Stretches to its card's width.
 */
export function TrendSparkline({ current, previous, label }: TrendSparklineProps) {
  const count = Math.max(current.length, previous.length);
  const max = Math.max(1, ...current, ...previous);
  return (
    <svg
      className="trend-sparkline"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
    >
      <title>{label}</title>
      {count > 1 ? (
        <>
          <polyline className="trend-previous" points={points(previous, max, count)} />
          <polyline className="trend-current" points={points(current, max, count)} />
        </>
      ) : null}
    </svg>
  );
}
